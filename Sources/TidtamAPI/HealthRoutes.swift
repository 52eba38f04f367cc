import HTTPTypes
import Hummingbird
import Postgres
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import TidtamDomain
import TidtamJobs
import TidtamStore

private let knownDepthKeys = NIOLockedValueBox(Set<String>())

/// `/healthz` (the process answers), `/readyz` (the database answers and is migrated to what
/// this build knows), `/metrics` (Prometheus text) and the OpenAPI document. No token needed.
struct HealthRoutes {
    let db: Database
    let latestMigration: Int
    let registry: PrometheusCollectorRegistry
    let openAPIDocument: String

    func register(on router: Router<TidtamRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            let applied = try await db.read(
                Tenant.unscoped, "SELECT coalesce(max(version), 0) AS v FROM schema_migrations"
            )
            .first!.decode("v", as: Int.self)
            guard applied >= latestMigration else {
                throw DomainError.unavailable(
                    Explanation(
                        "The database is at migration \(applied); this build needs \(latestMigration).",
                        th: "ฐานข้อมูลอยู่ที่ migration \(applied) แต่โปรแกรมรุ่นนี้ต้องการ \(latestMigration)"))
            }
            return try JSONResponse.make(["status": "ready", "migration": "\(applied)"])
        }
        router.get("/metrics") { _, _ in
            // Queue depth is read from the queue itself at each scrape, so it is right whichever
            // workers run; a kind and state that emptied reads 0.
            if let depth = try? await JobQueue(db: db).depth() {
                let seen = Set(depth.map { "\($0.kind)|\($0.state)" })
                for (kind, state, count) in depth {
                    Gauge(label: "tidtam_jobs_queued", dimensions: [("kind", kind), ("state", state)]).record(count)
                }
                for key in knownDepthKeys.withLockedValue({ $0 }).subtracting(seen) {
                    let parts = key.split(separator: "|").map(String.init)
                    Gauge(label: "tidtam_jobs_queued", dimensions: [("kind", parts[0]), ("state", parts[1])]).record(0)
                }
                knownDepthKeys.withLockedValue { $0.formUnion(seen) }
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    func register(_ routes: APIRoutes<TidtamRequestContext>) {
        routes.add(.get, "/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: openAPIDocument)))
        }
    }
}
