import HTTPTypes
import Hummingbird
import Postgres
import Prometheus
import TidtamDomain
import TidtamStore

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
            let applied = try await db.pool.withConnection { connection in
                try connection.query("SELECT coalesce(max(version), 0) AS v FROM schema_migrations").first!.decode("v", as: Int.self)
            }
            guard applied >= latestMigration else {
                throw DomainError.unavailable("The database is at migration \(applied); this build needs \(latestMigration).")
            }
            return try JSONResponse.make(["status": "ready", "migration": "\(applied)"])
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    func register(_ routes: APIRoutes) {
        routes.add(.get, "/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: openAPIDocument)))
        }
    }
}
