import Foundation
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/national-requirements` (OBEC's, for every district), `/requirements` (a district's, and its
/// copies of OBEC's), `/submissions` and `/reporting-rates`: what must be reported, by whom and
/// when, what was sent, and how complete and timely it is.
struct ReportingRoutes {
    let requirements: RequirementStore
    let national: NationalRequirementStore
    let submissions: SubmissionStore
    let rates: ReportingRates

    func register(_ routes: AuthenticatedRoutes) {
        registerNational(routes)
        registerRequirements(routes)
        registerSubmissions(routes)
        registerReview(routes)
        registerRates(routes)
    }

    func registerNational(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/national-requirements") { request, context in
            let tenant = try context.tenant(for: .issueNationalRequirements)
            let input = try await JSONBody.decode(request, context: context) { body in
                Self.requirementInput(&body, national: true)
            }
            let issued = try await national.issue(tenant, input)
            return JSONResponse.document(
                issued, status: .created, location: "/api/v1/national-requirements/\(issued.id)")
        }
        routes.add(.get, "/national-requirements") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let year = query.integer("fiscal_year", in: 2500...2700).map(Int.init)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(national.list(tenant, fiscalYear: year, page: page))
        }
        routes.add(.get, "/national-requirements/{requirementId}") { _, context in
            let tenant = try context.tenant(for: .readReporting)
            guard let found = try await national.get(tenant, id: context.id("requirementId", .requirement)) else {
                throw DomainError.notFound(.requirement)
            }
            return JSONResponse.document(found)
        }
        routes.add(.patch, "/national-requirements/{requirementId}") { request, context in
            let tenant = try context.tenant(for: .issueNationalRequirements)
            let id = try context.id("requirementId", .requirement)
            let version = try ETag.expectedVersion(request)
            let terms = try await JSONBody.decode(request, context: context) { body in Self.terms(&body) }
            return try await JSONResponse.document(
                national.changeTerms(tenant, id: id, expectedVersion: version, terms))
        }
        routes.add(.post, "/national-requirements/{requirementId}/withdraw") { request, context in
            let tenant = try context.tenant(for: .issueNationalRequirements)
            let id = try context.id("requirementId", .requirement)
            return try await JSONResponse.document(
                national.withdraw(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
    }

    func registerRequirements(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/requirements") { request, context in
            let tenant = try context.districtTenant(for: .manageRequirements)
            let input = try await JSONBody.decode(request, context: context) { body in
                Self.requirementInput(&body, national: false)
            }
            let created = try await requirements.create(tenant, input)
            return JSONResponse.document(created, status: .created, location: "/api/v1/requirements/\(created.id)")
        }
        routes.add(.get, "/requirements") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let filter = RequirementFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init),
                nationalOnly: query.choice("issuer", Issuer.self) == .obec,
                includeWithdrawn: query.boolean("include_withdrawn") ?? false)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(requirements.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/requirements/{requirementId}") { _, context in
            let tenant = try context.tenant(for: .readReporting)
            guard let found = try await requirements.get(tenant, id: context.id("requirementId", .requirement)) else {
                throw DomainError.notFound(.requirement)
            }
            return JSONResponse.document(found)
        }
        routes.add(.patch, "/requirements/{requirementId}") { request, context in
            let tenant = try context.districtTenant(for: .manageRequirements)
            let id = try context.id("requirementId", .requirement)
            let version = try ETag.expectedVersion(request)
            let terms = try await JSONBody.decode(request, context: context) { body in Self.terms(&body) }
            return try await JSONResponse.document(
                requirements.changeTerms(tenant, id: id, expectedVersion: version, terms))
        }
        routes.add(.put, "/requirements/{requirementId}/reminder-policy") { request, context in
            let tenant = try context.districtTenant(for: .manageRequirements)
            let id = try context.id("requirementId", .requirement)
            let version = try ETag.expectedVersion(request)
            let policy = try await JSONBody.decode(request, context: context) { body in Self.policy(&body) }
            return try await JSONResponse.document(
                requirements.setReminderPolicy(tenant, id: id, expectedVersion: version, policy))
        }
        routes.add(.post, "/requirements/{requirementId}/withdraw") { request, context in
            let tenant = try context.districtTenant(for: .manageRequirements)
            let id = try context.id("requirementId", .requirement)
            return try await JSONResponse.document(
                requirements.withdraw(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
    }

    enum Issuer: String, CaseIterable { case obec }

    func registerSubmissions(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/submissions") { request, context in
            let tenant = try context.districtTenant(for: .submitReports)
            let (requirement, period, school) = try await JSONBody.decode(request, context: context) {
                body -> (Int64, Int, Int64?)? in
                let requirement = body.required("requirement_id") { $0.integer("requirement_id", in: 1...Int64.max) }
                let period = body.required("period") { $0.integer("period", in: 1...12) }
                let school = body.integer("school_id", in: 1...Int64.max) ?? nil
                guard let requirement, let period else { return nil }
                return (requirement, Int(period), school)
            }
            let (submission, created) = try await submissions.open(
                tenant, requirementID: requirement, period: period, schoolID: school)
            return JSONResponse.document(
                submission, status: created ? .created : .ok, location: "/api/v1/submissions/\(submission.id)")
        }
        routes.add(.get, "/submissions") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let filter = SubmissionFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                requirementID: query.integer("requirement_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                period: query.integer("period", in: 1...12).map(Int.init),
                status: query.choice("status", SubmissionStatus.self))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(submissions.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/submissions/{submissionId}") { _, context in
            let tenant = try context.tenant(for: .readReporting)
            guard let found = try await submissions.get(tenant, id: context.id("submissionId", .submission)) else {
                throw DomainError.notFound(.submission)
            }
            return JSONResponse.document(found)
        }
        routes.add(.get, "/submissions/{submissionId}/versions") { _, context in
            let tenant = try context.tenant(for: .readReporting)
            guard let versions = try await submissions.versions(tenant, id: context.id("submissionId", .submission))
            else { throw DomainError.notFound(.submission) }
            return JSONResponse.raw(versions)
        }
        routes.add(.patch, "/submissions/{submissionId}") { request, context in
            let tenant = try context.districtTenant(for: .submitReports)
            let id = try context.id("submissionId", .submission)
            let version = try ETag.expectedVersion(request)
            let texts = try await JSONBody.decode(request, context: context) { body in
                body.required("sections") { $0.textMap("sections", maxEntries: 50, maxLength: 20000) }
            }
            return try await JSONResponse.document(
                submissions.update(tenant, id: id, expectedVersion: version, texts: texts))
        }
        routes.add(.post, "/submissions/{submissionId}/sections/{sectionKey}/files") { request, context in
            let tenant = try context.districtTenant(for: .submitReports)
            let id = try context.id("submissionId", .submission)
            let section = context.parameters.get("sectionKey") ?? ""
            let upload = try await EvidenceUpload.read(request)
            let file = try await submissions.attach(
                tenant, submissionID: id, section: section, fileName: upload.name, type: upload.type,
                bytes: upload.bytes)
            return JSONResponse.document(file, status: .created, location: "/api/v1/evidence-files/\(file.id)")
        }
        routes.add(.post, "/submissions/{submissionId}/submit") { request, context in
            let tenant = try context.districtTenant(for: .submitReports)
            let id = try context.id("submissionId", .submission)
            return try await JSONResponse.document(
                submissions.submit(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
    }

    func registerReview(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/submissions/{submissionId}/accept") { request, context in
            let tenant = try context.districtTenant(for: .reviewSubmissions)
            let id = try context.id("submissionId", .submission)
            return try await JSONResponse.document(
                submissions.accept(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
        routes.add(.post, "/submissions/{submissionId}/return") { request, context in
            let tenant = try context.districtTenant(for: .reviewSubmissions)
            let id = try context.id("submissionId", .submission)
            let version = try ETag.expectedVersion(request)
            let reason = try await JSONBody.decode(request, context: context) { body in
                body.required("reason") { $0.text("reason", max: 2000, min: 1) }
            }
            return try await JSONResponse.document(
                submissions.returnSubmission(tenant, id: id, expectedVersion: version, reason: reason))
        }
    }

    func registerRates(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/reporting-rates") { request, context in
            let tenant = try context.tenant(for: .readReporting)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let requirement = query.integer("requirement_id", in: 1...Int64.max)
            let nationalRequirement = query.integer("national_requirement_id", in: 1...Int64.max)
            let school = query.integer("school_id", in: 1...Int64.max)
            let range = query.dateRange()
            let group = query.choice("group_by", RateGrouping.self) ?? .requirement
            try query.finish()
            guard let range else { throw DomainError.invalid(query.errors) }
            let q = ReportingRates.Query(
                districtID: district, requirementID: requirement, nationalRequirementID: nationalRequirement,
                schoolID: school, from: range.from, to: range.to, groupBy: group)
            return try await JSONResponse.raw(rates.compute(tenant, q))
        }
    }

    /// A requirement as issued: every field checked at once, the cross-field rules too.
    static func requirementInput(_ body: inout JSONBody, national: Bool) -> RequirementInput? {
        let title = body.required("title_th") { $0.text("title_th", max: 300, min: 1) }
        let titleEN = body.text("title_en", max: 300) ?? nil
        let year = body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
        let frequency = body.required("frequency") { $0.choice("frequency", RequirementFrequency.self) }
        let dueDays = body.required("due_days") { $0.integer("due_days", in: 0...180) }
        let onTimeDays = body.integer("on_time_days", in: 0...90) ?? nil
        let audience = body.required("audience") { $0.choice("audience", RequirementAudience.self) }
        let schools = national ? [] : (body.ids("school_ids", max: 5000) ?? nil) ?? []
        let sections = body.required("sections") { $0.objects("sections", max: 30) { Self.section(&$0) } }
        let policy = (body.object("reminder_policy") { Self.policy(&$0) } ?? nil) ?? .standard
        guard let title, let year, let frequency, let dueDays, let audience, let sections else { return nil }
        let input = RequirementInput(
            titleTH: title, titleEN: titleEN, fiscalYear: year, frequency: frequency, dueDays: Int(dueDays),
            onTimeDays: Int(onTimeDays ?? 0), audience: audience, schoolIDs: schools, sections: sections,
            reminderPolicy: policy)
        body.add(input.problems(national: national))
        return body.errors.isEmpty ? input : nil
    }

    /// A change of terms: the title and the dates; what is fixed once issued is named as such.
    static func terms(_ body: inout JSONBody) -> RequirementTerms? {
        for key in RequirementTerms.fixedFields where body.value(key) != nil {
            body.fail(
                key, "fixed_after_issue",
                "Fixed once the requirement is issued (submissions and reminders refer to its periods and form): withdraw it and issue a new one.",
                "กำหนดแล้วแก้ไขไม่ได้ เพราะการส่งรายงานและการแจ้งเตือนอ้างอิงงวดและแบบรายงานนี้แล้ว ให้ยกเลิกแล้วกำหนดรายงานใหม่")
        }
        let title = body.text("title_th", max: 300, min: 1)
        let dueDays = body.integer("due_days", in: 0...180), onTimeDays = body.integer("on_time_days", in: 0...90)
        // The Thai title and the days are never removed: null is not "unchanged" (leave the field out).
        for (key, isNull) in [
            ("title_th", title == .some(nil)), ("due_days", dueDays == .some(nil)),
            ("on_time_days", onTimeDays == .some(nil)),
        ] where isNull {
            body.fail(
                key, "required", "Cannot be removed; leave the field out to keep it.", "ลบค่านี้ไม่ได้ หากไม่เปลี่ยนให้ละฟิลด์นี้ไว้")
        }
        let terms = RequirementTerms(
            titleTH: title ?? nil, titleEN: body.text("title_en", max: 300), dueDays: (dueDays ?? nil).map(Int.init),
            onTimeDays: (onTimeDays ?? nil).map(Int.init))
        if terms.isEmpty && body.errors.isEmpty {
            body.fail(
                "", "nothing_to_change", "Name at least one of title_th, title_en, due_days, on_time_days.",
                "ต้องระบุอย่างน้อยหนึ่งรายการ: title_th, title_en, due_days, on_time_days")
        }
        return body.errors.isEmpty ? terms : nil
    }

    static func section(_ body: inout JSONBody) -> RequirementSection? {
        let key = body.required("key") {
            $0.text(
                "key", max: 40, min: 1, valid: RequirementSection.isValidKey, format: "lower-case letters, digits and _"
            )
        }
        let kind = body.required("kind") { $0.choice("kind", SectionKind.self) }
        let title = body.required("title_th") { $0.text("title_th", max: 300, min: 1) }
        let titleEN = body.text("title_en", max: 300) ?? nil
        let required = body.boolean("required") ?? nil
        guard let key, let kind, let title else { return nil }
        return RequirementSection(key: key, kind: kind, titleTH: title, titleEN: titleEN, required: required ?? true)
    }

    static func policy(_ body: inout JSONBody) -> ReminderPolicy? {
        let before = body.required("before_days") { $0.integers("before_days", max: 10, in: 1...90) }
        let onDueDay = body.required("on_due_day") { $0.boolean("on_due_day") }
        let every = body.integer("overdue_every_days", in: 1...30) ?? nil
        let times = body.integer("overdue_times", in: 0...10) ?? nil
        let escalate = body.required("escalate") { $0.boolean("escalate") }
        guard let before, let onDueDay, let escalate else { return nil }
        return ReminderPolicy(
            beforeDays: before, onDueDay: onDueDay, overdueEveryDays: every.map(Int.init),
            overdueTimes: Int(times ?? (every == nil ? 0 : 3)), escalate: escalate)
    }
}

extension JSONBody {
    /// An array of small integers.
    mutating func integers(_ key: String, max: Int, in range: ClosedRange<Int64>) -> [Int]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .array(let elements) where elements.count <= max:
            var out: [Int] = []
            for (index, element) in elements.enumerated() {
                if case .integer(let n) = element, range.contains(n) {
                    out.append(Int(n))
                } else {
                    fail(
                        "\(key)/\(index)", "out_of_range",
                        "Must be an integer from \(range.lowerBound) to \(range.upperBound).",
                        "ต้องเป็นจำนวนเต็มระหว่าง \(range.lowerBound) ถึง \(range.upperBound)")
                }
            }
            return out.count == elements.count ? .some(out) : .none
        case .array:
            fail(key, "too_many", "Must have at most \(max) elements.", "มีได้ไม่เกิน \(max) รายการ")
        default:
            fail(key, "type", "Must be an array, not \(raw.typeName).", "ต้องเป็นอาร์เรย์")
        }
        return .none
    }

    /// An object of texts by key; a null removes the key's text.
    mutating func textMap(_ key: String, maxEntries: Int, maxLength: Int) -> [String: String?]?? {
        guard let raw = value(key) else { return .none }
        switch raw {
        case .null: return .some(nil)
        case .object(let object) where object.count <= maxEntries:
            var out: [String: String?] = [:]
            for (name, element) in object.sorted(by: { $0.key < $1.key }) {
                switch element {
                case .null: out[name] = .some(nil)
                case .string(let text) where text.count <= maxLength:
                    out[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                case .string:
                    fail(
                        "\(key)/\(name)", "too_long", "Must have at most \(maxLength) characters.",
                        "ยาวได้ไม่เกิน \(maxLength) ตัวอักษร")
                default:
                    fail("\(key)/\(name)", "type", "Must be a string or null.", "ต้องเป็นข้อความหรือ null")
                }
            }
            return out.count == object.count ? .some(out) : .none
        case .object:
            fail(key, "too_many", "Must have at most \(maxEntries) sections.", "มีได้ไม่เกิน \(maxEntries) หัวข้อ")
        default:
            fail(key, "type", "Must be an object, not \(raw.typeName).", "ต้องเป็นออบเจกต์")
        }
        return .none
    }
}

extension QueryParameters {
    /// `from` and `to` (ISO dates, Gregorian; by default the current fiscal year up to today in
    /// Thailand), `from` not after `to`.
    mutating func dateRange() -> (from: CalendarDate, to: CalendarDate)? {
        var dates: [CalendarDate?] = []
        for (name, fallback) in [("from", FiscalYear.current().start), ("to", CalendarDate.today())] {
            guard let text = self.text(name) else {
                dates.append(fallback)
                continue
            }
            let date = CalendarDate(iso: text)
            if date == nil {
                reject(
                    name, "invalid_value",
                    "Must be a date as YYYY-MM-DD (Gregorian calendar): the periods that end from `from` to `to` are counted.",
                    "ต้องเป็นวันที่รูปแบบ YYYY-MM-DD (ปีคริสต์ศักราช) นับงวดที่สิ้นสุดระหว่างวันที่ from ถึง to")
            }
            dates.append(date)
        }
        guard let from = dates[0], let to = dates[1] else { return nil }
        if from > to {
            reject("to", "before_from", "Must not be before from.", "ต้องไม่ก่อนวันที่ from")
            return nil
        }
        return (from, to)
    }
}
