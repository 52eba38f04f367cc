import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamJobs
import TidtamStore

/// `/jobs`: the district admin's view of the district's jobs (queued and finished), with retry
/// of dead or cancelled jobs and cancelling of jobs not yet started.
struct JobRoutes {
    let queue: JobQueue

    func register(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/jobs") { request, context in
            let tenant = try context.districtTenant(for: .manageJobs)
            var query = QueryParameters(request)
            let state = query.choice("state", JobState.self)
            let kind = query.text("kind")
            let page = query.page()
            try query.finish()
            let jobs = try await queue.list(
                .district(tenant), state: state, kind: kind,
                before: Cursor.decodeID(page.cursor), limit: page.limit + 1)
            return try JSONResponse.make(Page.trimmed(jobs, limit: page.limit) { [String($0.id)] })
        }
        routes.add(.get, "/jobs/{jobId}") { _, context in
            let tenant = try context.districtTenant(for: .manageJobs)
            guard let job = try await queue.list(.district(tenant), id: context.id("jobId", .job), limit: 1).first
            else {
                throw DomainError.notFound(.job)
            }
            return try JSONResponse.make(job)
        }
        routes.add(.post, "/jobs/{jobId}/retry") { _, context in
            let tenant = try context.districtTenant(for: .manageJobs)
            let id = try context.id("jobId", .job)
            guard try await queue.retry(districtID: tenant.districtID, id: id) else {
                throw try await Self.refusal(
                    Explanation("dead or cancelled", th: "ล้มเหลวหรือถูกยกเลิก"), id: id, tenant: tenant, queue: queue)
            }
            return try JSONResponse.make(await Self.job(id, of: tenant, in: queue))
        }
        routes.add(.post, "/jobs/{jobId}/cancel") { _, context in
            let tenant = try context.districtTenant(for: .manageJobs)
            let id = try context.id("jobId", .job)
            guard try await queue.cancel(districtID: tenant.districtID, id: id) else {
                throw try await Self.refusal(
                    Explanation("waiting to run", th: "รอทำงาน"), id: id, tenant: tenant, queue: queue)
            }
            return try JSONResponse.make(await Self.job(id, of: tenant, in: queue))
        }
    }

    /// The district's job after a change: gone again only if it was pruned meanwhile (404).
    static func job(_ id: Int64, of tenant: DistrictTenant, in queue: JobQueue) async throws -> JobSummary {
        guard let job = try await queue.list(.district(tenant), id: id, limit: 1).first else {
            throw DomainError.notFound(.job)
        }
        return job
    }

    /// 404 when the job is not the district's, 409 when it is but in the wrong state.
    static func refusal(_ wanted: Explanation, id: Int64, tenant: DistrictTenant, queue: JobQueue) async throws
        -> any Error
    {
        guard let job = try await queue.list(.district(tenant), id: id, limit: 1).first else {
            return DomainError.notFound(.job)
        }
        return DomainError.conflict(
            Explanation(
                "Job \(id) is \(job.state.rawValue), not \(wanted.english).",
                th: "งานเบื้องหลัง \(id) อยู่ในสถานะ “\(job.state.thaiName)” ไม่ใช่\(wanted.thai)"))
    }
}
