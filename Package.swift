// swift-tools-version:6.0
import PackageDescription

// Tidtam: monitoring, evaluation and reporting for Thai district education offices.
// Modules by concern: libpq binding → Postgres (safe Swift) → TidtamStore (SQL per aggregate)
// → TidtamAPI (HTTP) → tidtam (CLI). TidtamDomain is pure and sits beside them all.
// Linux only: the Postgres module waits on its pipelined connections with epoll.
let package = Package(
    name: "tidtam",
    products: [
        .executable(name: "tidtam", targets: ["tidtam"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        // STARTTLS for the reminders' e-mail (no Swift SMTP library exists; the client is ours).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // Webhooks' HTTP posts (timeouts, TLS, no redirects followed).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        // Reports' .xlsx files are zip archives (the SpreadsheetML inside is written by TidtamReports).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "TidtamDomain"),
        // Reports' data models and their renderings (CSV, XLSX; HTML and PDF to come): no I/O.
        .target(
            name: "TidtamReports",
            dependencies: ["TidtamDomain", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "TidtamStore",
            dependencies: [
                "Postgres", "TidtamDomain",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TidtamImport",
            dependencies: [
                "CCrypto", "Postgres", "TidtamDomain", "TidtamStore",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Delivery channels that leave the process: e-mail over SMTP and signed webhooks.
        .target(
            name: "TidtamDelivery",
            dependencies: [
                "CCrypto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TidtamJobs",
            dependencies: [
                "Postgres", "TidtamDomain", "TidtamStore", "TidtamDelivery", "TidtamReports",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TidtamAPI",
            dependencies: [
                "Postgres", "TidtamDomain", "TidtamStore", "TidtamJobs", "TidtamImport", "TidtamReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "tidtam",
            dependencies: [
                "Postgres", "TidtamDomain", "TidtamStore", "TidtamAPI", "TidtamJobs", "TidtamImport", "TidtamDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "TidtamDomain", "TidtamStore"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "TidtamDomainTests", dependencies: ["TidtamDomain"]),
        .testTarget(name: "TidtamReportsTests", dependencies: ["TidtamReports", "TidtamDomain"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "TidtamStoreTests", dependencies: ["TidtamStore", "TestSupport"]),
        .testTarget(name: "TidtamImportTests", dependencies: ["TidtamImport", "TidtamStore", "TestSupport"]),
        .testTarget(name: "TidtamJobsTests", dependencies: ["TidtamJobs", "TidtamDomain", "TestSupport"]),
        .testTarget(name: "TidtamDeliveryTests", dependencies: ["TidtamDelivery", "TestSupport"]),
        .testTarget(
            name: "TidtamAPITests",
            dependencies: [
                "TidtamAPI", "TidtamImport", "TidtamJobs", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
