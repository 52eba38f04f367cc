import Foundation
import HTTPTypes
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/visits`, `/teams`, `/closed-days`, `/public-holidays`, `/joint-visit-proposals`,
/// `/findings`: coordinating the district's visits of its schools and following up what
/// they found.
struct VisitRoutes {
    let visits: VisitStore
    let calendar: CalendarStore
    let findings: FindingStore

    func register(_ routes: AuthenticatedRoutes) {
        registerCalendar(routes)
        registerVisits(routes)
        registerFindings(routes)
    }

    func registerCalendar(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/public-holidays") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let year = query.integer("fiscal_year", in: 2500...2700).map(Int.init)
            try query.finish()
            return try await JSONResponse.raw(calendar.holidays(tenant, year: year))
        }
        routes.add(.put, "/public-holidays/{day}") { request, context in
            let tenant = try context.tenant(for: .manageHolidays)
            let day = try Self.day(context)
            let (name, nameEN) = try await JSONBody.decode(request, context: context) { body -> (String, String?)? in
                let name = body.required("name_th") { $0.text("name_th", max: 200, min: 1) }
                let nameEN = body.text("name_en", max: 200) ?? nil
                guard let name else { return nil }
                return (name, nameEN)
            }
            return try await JSONResponse.raw(calendar.putHoliday(tenant, day: day, nameTH: name, nameEN: nameEN))
        }
        routes.add(.delete, "/public-holidays/{day}") { _, context in
            let tenant = try context.tenant(for: .manageHolidays)
            try await calendar.deleteHoliday(tenant, day: Self.day(context))
            return JSONResponse.noContent()
        }
        routes.add(.get, "/closed-days") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let year = query.integer("fiscal_year", in: 2500...2700).map(Int.init)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(
                calendar.closedDays(tenant, districtID: district, year: year, page: page))
        }
        routes.add(.post, "/closed-days") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let (day, name) = try await JSONBody.decode(request, context: context) { body -> (CalendarDate, String)? in
                let day = body.required("day") { $0.date("day") }
                let name = body.required("name_th") { $0.text("name_th", max: 200, min: 1) }
                guard let day, let name else { return nil }
                return (day, name)
            }
            let closed = try await calendar.addClosedDay(tenant, day: day, nameTH: name)
            return JSONResponse.document(closed, status: .created, location: "/api/v1/closed-days/\(closed.id)")
        }
        routes.add(.delete, "/closed-days/{closedDayId}") { _, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            try await calendar.removeClosedDay(tenant, id: context.id("closedDayId", .closedDay))
            return JSONResponse.noContent()
        }
        routes.add(.get, "/teams") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(calendar.teams(tenant, districtID: district, page: page))
        }
        routes.add(.post, "/teams") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let (name, members) = try await JSONBody.decode(request, context: context, Self.team)
            let team = try await calendar.createTeam(tenant, nameTH: name, memberIDs: members)
            return JSONResponse.document(team, status: .created, location: "/api/v1/teams/\(team.id)")
        }
        routes.add(.get, "/teams/{teamId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let team = try await calendar.team(tenant, id: context.id("teamId", .team)) else {
                throw DomainError.notFound(.team)
            }
            return JSONResponse.document(team)
        }
        routes.add(.put, "/teams/{teamId}") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("teamId", .team)
            let version = try ETag.expectedVersion(request)
            let (name, members) = try await JSONBody.decode(request, context: context, Self.team)
            return try await JSONResponse.document(
                calendar.replaceTeam(tenant, id: id, expectedVersion: version, nameTH: name, memberIDs: members))
        }
    }

    static func team(_ body: inout JSONBody) -> (String, [Int64])? {
        let name = body.required("name_th") { $0.text("name_th", max: 200, min: 1) }
        let members = body.required("member_ids") { $0.ids("member_ids", max: 50) }
        guard let name, let members else { return nil }
        return (name, members)
    }

    static func day(_ context: AuthenticatedContext) throws -> CalendarDate {
        guard let text = context.parameters.get("day"), let day = CalendarDate(iso: text) else {
            throw DomainError.notFound(.publicHoliday)
        }
        return day
    }

    func registerVisits(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/visits") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = VisitFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                teamID: query.integer("team_id", in: 1...Int64.max),
                userID: query.integer("user_id", in: 1...Int64.max),
                status: query.choice("status", VisitStatus.self), kind: query.choice("kind", VisitKind.self),
                fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init), from: query.timestamp("from"),
                to: query.timestamp("to"))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(visits.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/visits") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let input = try await JSONBody.decode(request, context: context, Self.visit)
            let visit = try await visits.create(tenant, input)
            return JSONResponse.document(visit, status: .created, location: "/api/v1/visits/\(visit.id)")
        }
        routes.add(.get, "/visits/{visitId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let visit = try await visits.get(tenant, id: context.id("visitId", .visit)) else {
                throw DomainError.notFound(.visit)
            }
            return JSONResponse.document(visit)
        }
        routes.add(.put, "/visits/{visitId}") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("visitId", .visit)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context, Self.visit)
            return try await JSONResponse.document(visits.update(tenant, id: id, expectedVersion: version, input))
        }
        for (action, status) in [("confirm", VisitStatus.confirmed), ("done", .done)] {
            routes.add(.post, "/visits/{visitId}/\(action)") { request, context in
                let tenant = try context.districtTenant(for: .manageMonitoring)
                let id = try context.id("visitId", .visit)
                return try await JSONResponse.document(
                    visits.setStatus(
                        tenant, id: id, expectedVersion: ETag.expectedVersion(request), to: status, reason: nil))
            }
        }
        routes.add(.post, "/visits/{visitId}/cancel") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("visitId", .visit)
            let version = try ETag.expectedVersion(request)
            let reason = try await JSONBody.decode(request, context: context) { body in
                body.required("reason") { $0.text("reason", max: 2000, min: 1) }
            }
            return try await JSONResponse.document(
                visits.setStatus(tenant, id: id, expectedVersion: version, to: .cancelled, reason: reason))
        }
        routes.add(.get, "/joint-visit-proposals") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let visit = query.integer("visit_id", in: 1...Int64.max)
            let open = query.choice("status", ProposalFilter.self) == .open
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(
                visits.proposals(tenant, districtID: district, visitID: visit, open: open, page: page))
        }
        for (action, accept) in [("accept", true), ("decline", false)] {
            routes.add(.post, "/joint-visit-proposals/{proposalId}/\(action)") { request, context in
                let tenant = try context.districtTenant(for: .manageMonitoring)
                let id = try context.id("proposalId", .jointVisitProposal)
                return try await JSONResponse.document(
                    visits.decide(
                        tenant, proposalID: id, expectedVersion: ETag.expectedVersion(request), accept: accept))
            }
        }
    }

    enum ProposalFilter: String, CaseIterable { case open, all }

    static func visit(_ body: inout JSONBody) -> VisitInput? {
        let kind = body.required("kind") { $0.choice("kind", VisitKind.self) }
        let school = body.required("school_id") { $0.integer("school_id", in: 1...Int64.max) }
        let team = body.integer("team_id", in: 1...Int64.max) ?? nil
        let members = body.ids("member_ids", max: 50) ?? nil
        let purpose = body.required("purpose_th") { $0.text("purpose_th", max: 2000, min: 1) }
        let starts = body.required("starts_at") { $0.timestamp("starts_at") }
        let ends = body.required("ends_at") { $0.timestamp("ends_at") }
        guard let kind, let school, let purpose, let starts, let ends else { return nil }
        let input = VisitInput(
            kind: kind, schoolID: school, teamID: team, memberIDs: members, purposeTH: purpose, startsAt: starts,
            endsAt: ends)
        body.add(input.validate())
        return input
    }

    func registerFindings(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/findings") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = FindingFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                visitID: query.integer("visit_id", in: 1...Int64.max),
                status: query.choice("status", FindingStatus.self),
                overdue: query.boolean("overdue") ?? false)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(findings.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/visits/{visitId}/findings") { request, context in
            let tenant = try context.tenant(for: .readMonitoring)
            var query = QueryParameters(request)
            let filter = FindingFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                visitID: try context.id("visitId", .visit))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(findings.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/visits/{visitId}/findings") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let visit = try context.id("visitId", .visit)
            let input = try await JSONBody.decode(request, context: context, Self.finding)
            let finding = try await findings.create(tenant, visitID: visit, input)
            return JSONResponse.document(finding, status: .created, location: "/api/v1/findings/\(finding.id)")
        }
        routes.add(.get, "/findings/{findingId}") { _, context in
            let tenant = try context.tenant(for: .readMonitoring)
            guard let finding = try await findings.get(tenant, id: context.id("findingId", .finding)) else {
                throw DomainError.notFound(.finding)
            }
            return JSONResponse.document(finding)
        }
        routes.add(.put, "/findings/{findingId}") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let id = try context.id("findingId", .finding)
            let version = try ETag.expectedVersion(request)
            let input = try await JSONBody.decode(request, context: context, Self.finding)
            return try await JSONResponse.document(findings.update(tenant, id: id, expectedVersion: version, input))
        }
        routes.add(.post, "/findings/{findingId}/close") { request, context in
            let tenant = try context.districtTenant(for: .manageMonitoring)
            let id = try context.id("findingId", .finding)
            let version = try ETag.expectedVersion(request)
            let note = try await JSONBody.decode(request, context: context) { body in
                body.required("closure_note_th") { $0.text("closure_note_th", max: 8000, min: 1) }
            }
            return try await JSONResponse.document(
                findings.close(tenant, id: id, expectedVersion: version, noteTH: note))
        }
        routes.add(.post, "/findings/{findingId}/evidence") { request, context in
            let tenant = try context.districtTenant(for: .writeReports)
            let id = try context.id("findingId", .finding)
            let upload = try await EvidenceUpload.read(request)
            let file = try await findings.attach(
                tenant, findingID: id, fileName: upload.name, type: upload.type, bytes: upload.bytes)
            return JSONResponse.document(file, status: .created, location: "/api/v1/evidence-files/\(file.id)")
        }
    }

    static func finding(_ body: inout JSONBody) -> FindingInput? {
        let text = body.required("finding_th") { $0.text("finding_th", max: 8000, min: 1) }
        let recommendation = body.text("recommendation_th", max: 8000) ?? nil
        let responsible = body.text("responsible_th", max: 200) ?? nil
        let due = body.date("due_on") ?? nil
        let status = body.choice("status", FindingStatus.self) ?? nil
        if status == .closed {
            body.reject(
                "status", "use_close", "A finding is closed with POST /findings/{id}/close, with its evidence.",
                "การปิดข้อค้นพบทำผ่าน /findings/{id}/close พร้อมหลักฐาน")
            return nil
        }
        guard let text else { return nil }
        return FindingInput(
            findingTH: text, recommendationTH: recommendation, responsibleTH: responsible, dueOn: due, status: status)
    }
}
