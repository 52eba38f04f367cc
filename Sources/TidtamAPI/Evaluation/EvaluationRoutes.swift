import Foundation
import Hummingbird
import TidtamDomain
import TidtamStore

/// `/evaluation-rounds`, `/evaluations`, `/indicator-proposals`, `/rollups`: evaluating
/// projects, agreements and strategic plans round by round, the indicators schools propose, and
/// the scores rolled up across schools and districts.
struct EvaluationRoutes {
    let evaluations: EvaluationStore
    let proposals: IndicatorProposalStore
    let rollups: RollupStore

    func register(_ routes: AuthenticatedRoutes) {
        registerRounds(routes)
        registerRun(routes)
        registerEvaluations(routes)
        registerProposals(routes)
        registerRollups(routes)
    }

    func registerRounds(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/evaluation-rounds") { request, context in
            let tenant = try context.tenant(for: .readEvaluations)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let year = query.integer("fiscal_year", in: 2500...2700).map(Int.init)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(
                evaluations.rounds(tenant, districtID: district, fiscalYear: year, page: page))
        }
        routes.add(.post, "/evaluation-rounds") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let input = try await JSONBody.decode(request, context: context) { body -> EvaluationRoundInput? in
                let year = body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
                let name = body.required("name_th") { $0.text("name_th", max: 200, min: 1) }
                let nameEN = body.text("name_en", max: 200) ?? nil
                let month = body.required("through_month") { $0.integer("through_month", in: 1...12) }
                let weight = body.decimal("progress_weight", in: 0...100) ?? nil
                guard let year, let name, let month else { return nil }
                return EvaluationRoundInput(
                    fiscalYear: year, nameTH: name, nameEN: nameEN, throughMonth: Int(month), progressWeight: weight)
            }
            let round = try await evaluations.createRound(tenant, input)
            return JSONResponse.document(round, status: .created, location: "/api/v1/evaluation-rounds/\(round.id)")
        }
        routes.add(.get, "/evaluation-rounds/{roundId}") { _, context in
            let tenant = try context.tenant(for: .readEvaluations)
            guard let round = try await evaluations.round(tenant, id: context.id("roundId", .evaluationRound)) else {
                throw DomainError.notFound(.evaluationRound)
            }
            return JSONResponse.document(round)
        }
    }

    func registerRun(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/evaluation-rounds/{roundId}/run") { _, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let (job, round) = try await evaluations.run(tenant, round: .id(context.id("roundId", .evaluationRound)))
            return JSONResponse.raw(
                "{\"job_id\":\(job),\"round_id\":\(round),\"status\":\"queued\",\"status_th\":\"รอประเมินผลทั้งรอบ\"}",
                status: .accepted, location: "/api/v1/jobs/\(job)")
        }
    }

    enum StandardRound: String, CaseIterable {
        case midYear = "mid_year", yearEnd = "year_end"
        var kind: EvaluationRoundKind { self == .midYear ? .midYear : .yearEnd }
    }

    func registerEvaluations(_ routes: AuthenticatedRoutes) {
        routes.add(.post, "/evaluations") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let (subject, id, round) = try await JSONBody.decode(request, context: context) {
                body -> (EvaluationSubject, Int64, RoundReference)? in
                let subject = body.required("subject") { $0.choice("subject", EvaluationSubject.self) }
                let id = body.required("subject_id") { $0.integer("subject_id", in: 1...Int64.max) }
                let roundID = body.integer("round_id", in: 1...Int64.max) ?? nil
                let year = body.fiscalYear("fiscal_year") ?? nil
                let standard = body.choice("round", StandardRound.self) ?? nil
                let reference: RoundReference?
                if let roundID {
                    reference = .id(roundID)
                } else if let year, let standard {
                    reference = .standard(year, standard.kind)
                } else {
                    body.reject(
                        "round_id", "required",
                        "Name the round: round_id, or fiscal_year with round (mid_year or year_end).",
                        "ต้องระบุรอบการประเมิน: round_id หรือ fiscal_year พร้อม round (mid_year หรือ year_end)")
                    reference = nil
                }
                guard let subject, let id, let reference else { return nil }
                return (subject, id, reference)
            }
            let (evaluation, created) = try await evaluations.evaluate(
                tenant, subject: subject, subjectID: id, round: round)
            return JSONResponse.document(
                evaluation, status: created ? .created : .ok, location: "/api/v1/evaluations/\(evaluation.id)")
        }
        routes.add(.get, "/evaluations") { request, context in
            let tenant = try context.tenant(for: .readEvaluations)
            var query = QueryParameters(request)
            let filter = EvaluationFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                roundID: query.integer("round_id", in: 1...Int64.max),
                subject: query.choice("subject", EvaluationSubject.self),
                subjectID: query.integer("subject_id", in: 1...Int64.max),
                fiscalYear: query.integer("fiscal_year", in: 2500...2700).map(Int.init),
                status: query.choice("status", EvaluationStatusFilter.self)?.rawValue)
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(evaluations.list(tenant, filter: filter, page: page))
        }
        routes.add(.get, "/evaluations/{evaluationId}") { _, context in
            let tenant = try context.tenant(for: .readEvaluations)
            guard let evaluation = try await evaluations.get(tenant, id: context.id("evaluationId", .evaluation))
            else { throw DomainError.notFound(.evaluation) }
            return JSONResponse.document(evaluation)
        }
        routes.add(.patch, "/evaluations/{evaluationId}") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let id = try context.id("evaluationId", .evaluation)
            let version = try ETag.expectedVersion(request)
            let comment = try await JSONBody.decode(request, context: context) { body -> String?? in
                body.required("evaluator_comment_th") { $0.text("evaluator_comment_th", max: 8000) }
            }
            return try await JSONResponse.document(
                evaluations.comment(tenant, id: id, expectedVersion: version, commentTH: comment))
        }
        routes.add(.post, "/evaluations/{evaluationId}/recompute") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let id = try context.id("evaluationId", .evaluation)
            return try await JSONResponse.document(
                evaluations.recompute(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
        routes.add(.post, "/evaluations/{evaluationId}/finalize") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let id = try context.id("evaluationId", .evaluation)
            return try await JSONResponse.document(
                evaluations.finalize(tenant, id: id, expectedVersion: ETag.expectedVersion(request)))
        }
        routes.add(.put, "/evaluations/{evaluationId}/response") { request, context in
            let tenant = try context.districtTenant(for: .respondToEvaluations)
            let id = try context.id("evaluationId", .evaluation)
            let version = try ETag.expectedVersion(request)
            let response = try await JSONBody.decode(request, context: context) { body in
                body.required("school_response_th") { $0.text("school_response_th", max: 8000, min: 1) }
            }
            return try await JSONResponse.document(
                evaluations.respond(tenant, id: id, expectedVersion: version, responseTH: response))
        }
        routes.add(.get, "/evaluations/{evaluationId}/comparison") { _, context in
            let tenant = try context.districtTenant(for: .readEvaluations)
            return try await JSONResponse.raw(
                evaluations.comparison(tenant, id: context.id("evaluationId", .evaluation)))
        }
    }

    enum EvaluationStatusFilter: String, CaseIterable { case draft, final }

    func registerProposals(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/indicator-proposals") { request, context in
            let tenant = try context.tenant(for: .readEvaluations)
            var query = QueryParameters(request)
            let filter = ProposalFilter(
                districtID: query.integer("district_id", in: 1...Int64.max),
                schoolID: query.integer("school_id", in: 1...Int64.max),
                status: query.choice("status", ProposalStatus.self))
            let page = query.page()
            try query.finish()
            return try await JSONResponse.page(proposals.list(tenant, filter: filter, page: page))
        }
        routes.add(.post, "/indicator-proposals") { request, context in
            let tenant = try context.districtTenant(for: .respondToEvaluations)
            let (input, rationale) = try await JSONBody.decode(request, context: context) {
                body -> (IndicatorInput, String?)? in
                let school = body.integer("school_id", in: 1...Int64.max) ?? nil
                let rationale = body.text("rationale_th", max: 4000) ?? nil
                guard var input = IndicatorRoutes.input(&body, attachable: false) else { return nil }
                input.schoolID = school
                return (input, rationale)
            }
            let proposal = try await proposals.propose(tenant, input, rationaleTH: rationale)
            return JSONResponse.document(
                proposal, status: .created, location: "/api/v1/indicator-proposals/\(proposal.id)")
        }
        routes.add(.get, "/indicator-proposals/{proposalId}") { _, context in
            let tenant = try context.tenant(for: .readEvaluations)
            guard let proposal = try await proposals.get(tenant, id: context.id("proposalId", .indicatorProposal))
            else { throw DomainError.notFound(.indicatorProposal) }
            return JSONResponse.document(proposal)
        }
        routes.add(.put, "/indicator-proposals/{proposalId}") { request, context in
            let tenant = try context.districtTenant(for: .respondToEvaluations)
            let id = try context.id("proposalId", .indicatorProposal)
            let version = try ETag.expectedVersion(request)
            let (input, rationale) = try await JSONBody.decode(request, context: context) {
                body -> (IndicatorInput, String?)? in
                let rationale = body.text("rationale_th", max: 4000) ?? nil
                guard let input = IndicatorRoutes.input(&body, attachable: false) else { return nil }
                return (input, rationale)
            }
            return try await JSONResponse.document(
                proposals.revise(tenant, id: id, expectedVersion: version, input, rationaleTH: rationale))
        }
        routes.add(.post, "/indicator-proposals/{proposalId}/accept") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let id = try context.id("proposalId", .indicatorProposal)
            let version = try ETag.expectedVersion(request)
            let scope = try await JSONBody.decode(request, context: context) { body in
                body.required("scope") { $0.choice("scope", ProposalScope.self) }
            }
            return try await JSONResponse.document(
                proposals.accept(tenant, id: id, expectedVersion: version, scope: scope))
        }
        routes.add(.post, "/indicator-proposals/{proposalId}/return") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let id = try context.id("proposalId", .indicatorProposal)
            let version = try ETag.expectedVersion(request)
            let reason = try await JSONBody.decode(request, context: context) { body in
                body.required("reason") { $0.text("reason", max: 2000, min: 1) }
            }
            return try await JSONResponse.document(
                proposals.returnProposal(tenant, id: id, expectedVersion: version, reason: reason))
        }
    }

    func registerRollups(_ routes: AuthenticatedRoutes) {
        routes.add(.get, "/rollups") { request, context in
            let tenant = try context.tenant(for: .readEvaluations)
            var query = QueryParameters(request)
            let district = query.integer("district_id", in: 1...Int64.max)
            let year = query.integer("fiscal_year", in: 2500...2700) ?? Int64(FiscalYear.current().buddhistYear)
            try query.finish()
            return try await JSONResponse.raw(
                rollups.district(tenant, districtID: district, fiscalYear: Int(year)))
        }
        routes.add(.get, "/rollups/national") { request, context in
            let tenant = try context.tenant(for: .readEvaluations)
            var query = QueryParameters(request)
            let year = query.integer("fiscal_year", in: 2500...2700) ?? Int64(FiscalYear.current().buddhistYear)
            try query.finish()
            return try await JSONResponse.raw(rollups.national(tenant, fiscalYear: Int(year)))
        }
        routes.add(.post, "/rollups/recompute") { request, context in
            let tenant = try context.districtTenant(for: .evaluate)
            let year = try await JSONBody.decode(request, context: context) { body in
                body.required("fiscal_year") { $0.fiscalYear("fiscal_year") }
            }
            try await rollups.request(tenant, fiscalYear: year.buddhistYear)
            return JSONResponse.raw(
                "{\"fiscal_year\":\(year.buddhistYear),\"status\":\"queued\",\"status_th\":\"รอคำนวณใหม่\"}",
                status: .accepted)
        }
    }
}
