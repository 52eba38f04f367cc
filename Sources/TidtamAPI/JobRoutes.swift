import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamJobs
import TidtamStore

/// `/jobs`: the district admin's view of the district's jobs (queued and finished), with retry
/// of dead or cancelled jobs and cancelling of jobs not yet started.
struct JobRoutes {
    let queue: JobQueue

    static let states = ["ready", "running", "done", "dead", "cancelled"]
    static let statesTH = ["ready": "รอทำงาน", "running": "กำลังทำงาน", "done": "เสร็จแล้ว", "dead": "ล้มเหลว", "cancelled": "ยกเลิกแล้ว"]

    func register(_ routes: APIRoutes) {
        routes.add(.get, "/jobs") { request, context in
            let district = try Self.district(context)
            var query = QueryParameters(request)
            let state = query.text("state")
            if let state, !Self.states.contains(state) {
                throw DomainError.invalid([FieldError("?state", code: "invalid_value", detail: "Must be one of: \(Self.states.joined(separator: ", ")).",
                                                      th: "ต้องเป็นค่าใดค่าหนึ่งใน: \(Self.states.joined(separator: ", "))")])
            }
            let kind = query.text("kind")
            let page = query.page()
            try query.finish()
            let jobs = try await queue.list(districtID: district, state: state, kind: kind,
                                            before: Cursor.decodeID(page.cursor), limit: page.limit + 1)
            return try JSONResponse.make(Page.trimmed(jobs, limit: page.limit) { [String($0.id)] })
        }
        routes.add(.get, "/jobs/{jobId}") { _, context in
            let district = try Self.district(context)
            guard let job = try await queue.list(districtID: district, id: context.id("jobId", .job), limit: 1).first else {
                throw DomainError.notFound(.job)
            }
            return try JSONResponse.make(job)
        }
        routes.add(.post, "/jobs/{jobId}/retry") { _, context in
            let district = try Self.district(context)
            let id = try context.id("jobId", .job)
            guard try await queue.retry(districtID: district, id: id) else { throw try await Self.refusal(Explanation("dead or cancelled", th: "ล้มเหลวหรือถูกยกเลิก"), id: id, district: district, queue: queue) }
            return try JSONResponse.make(await queue.list(districtID: district, id: id, limit: 1).first!)
        }
        routes.add(.post, "/jobs/{jobId}/cancel") { _, context in
            let district = try Self.district(context)
            let id = try context.id("jobId", .job)
            guard try await queue.cancel(districtID: district, id: id) else { throw try await Self.refusal(Explanation("waiting to run", th: "รอทำงาน"), id: id, district: district, queue: queue) }
            return try JSONResponse.make(await queue.list(districtID: district, id: id, limit: 1).first!)
        }
    }

    static func district(_ context: TidtamRequestContext) throws -> Int64 {
        guard let district = try context.scope(for: .manageJobs).districtID else { throw DomainError.forbidden(Explanation("Jobs belong to a district.", th: "งานเบื้องหลังเป็นของเขตพื้นที่การศึกษา")) }
        return district
    }

    /// 404 when the job is not the district's, 409 when it is but in the wrong state.
    static func refusal(_ wanted: Explanation, id: Int64, district: Int64, queue: JobQueue) async throws -> any Error {
        guard let job = try await queue.list(districtID: district, id: id, limit: 1).first else { return DomainError.notFound(.job) }
        return DomainError.conflict(Explanation("Job \(id) is \(job.state), not \(wanted.english).",
                                                th: "งานเบื้องหลัง \(id) อยู่ในสถานะ “\(statesTH[job.state] ?? job.state)” ไม่ใช่\(wanted.thai)"))
    }
}
