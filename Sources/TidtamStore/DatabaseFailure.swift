import Postgres
import TidtamDomain

/// What a refusal by PostgreSQL means to the user, decided here, beside the SQL, so that the API
/// never sees a constraint name or an SQLSTATE: a unique key is a duplicate of the field it
/// guards, a missing reference is that field not found, a broken rule is an invalid value, a
/// collision or an unreachable server is "retry".
public enum DatabaseFailure {
    /// The field each constraint of the migrations guards, as a client can fix it. A constraint
    /// left out is one whose refusal has no single field to name (`unnamedConstraints` says why
    /// for each); `ConstraintMapTests` reads every constraint from the catalog and checks that it
    /// is in one of the two lists, so a new or renamed constraint cannot silently drop its field.
    public static let constraintFields: [String: FieldPath] = [
        "school_district_id_obec_code_key": .input["obec_code"],
        "app_user_email": .input["email"],
        "membership_district_id_school_id_fkey": .input["school_id"],
        "membership_school_matches_role": .input["school_id"],
        "district_code_key": .input["code"],
        "action_plan_revision_unique": .input["fiscal_year"],
        "action_plan_one_open_revision": .input["fiscal_year"],
        "performance_agreement_revision_unique": .input["fiscal_year"],
        "performance_agreement_one_open_revision": .input["fiscal_year"],
        "project_district_id_plan_id_code_key": .input["code"],
        "project_district_id_strategy_id_fkey": .input["strategy_id"],
        "action_plan_district_id_strategic_plan_id_fkey": .input["strategic_plan_id"],
        "action_plan_district_id_school_id_fkey": .input["school_id"],
        "strategic_plan_district_id_school_id_fkey": .input["school_id"],
        "performance_agreement_district_id_school_id_fkey": .input["school_id"],
        "indicator_adoption_district_id_school_id_fkey": .input["school_id"],
        "national_policy_code_key": .input["code"],
        "strategy_district_id_plan_id_code_key": .input["strategies"],
        "goal_district_id_strategy_id_code_key": .input["strategies"],
        "agreement_item_district_id_agreement_id_indicator_id_key": .input["items"],
        "agreement_item_district_id_indicator_id_fkey": .input["items"],
        "api_token_district_id_user_id_fkey": .input["user_id"],
        "indicator_district_id_goal_id_fkey": .input["goal_id"],
        "indicator_district_id_project_id_fkey": .input["project_id"],
        "indicator_target_district_id_school_id_fkey": .input["school_id"],
        "indicator_band": .input["band"],
        "indicator_one_owner": .input["project_id"],
        "indicator_scoring": .input["scoring"],
        "activity_dates": .input["activities"],
        "project_dates": .input["end_date"],
        "strategic_plan_years": .input["last_year_be"],
        "sar_report_once": .input["academic_year"],
        // Monitoring (0006).
        "calendar_feed_district_id_school_id_fkey": .input["school_id"],
        "calendar_feed_district_id_team_id_fkey": .input["team_id"],
        "calendar_feed_district_id_user_id_fkey": .input["user_id"],
        "calendar_feed_target": .input["kind"],
        "closed_day_unique": .input["day"],
        "indicator_actual_correction_reason": .input["correction_reason"],
        "indicator_actual_unique": .input["period"],
        "report_disbursement_district_id_budget_line_id_fkey": .input["disbursements"],
        "report_disbursement_line_unique": .input["disbursements"],
        "team_member_district_id_user_id_fkey": .input["member_ids"],
        "team_member_unique": .input["member_ids"],
        "team_name_unique": .input["name_th"],
        "visit_district_id_school_id_fkey": .input["school_id"],
        "visit_district_id_team_id_fkey": .input["team_id"],
        "visit_member_district_id_user_id_fkey": .input["member_ids"],
        "visit_member_unique": .input["member_ids"],
        "visit_times": .input["ends_at"],
        "visit_cancel_reason": .input["reason"],
        "monitoring_item_moved_with_reason": .input["reason"],
        "progress_report_returned_reason": .input["reason"],
        "finding_closed_with_evidence": .input["closure_note_th"],
        // Raised by the visit trigger (not a catalog constraint): a day no visit may fall on.
        "visit_closed_day": .input["starts_at"],
        // Evaluation (0007).
        "evaluation_unique": .input["subject_id"],
        "indicator_proposal_scoring": .input["scoring"],
        "indicator_proposal_band": .input["band"],
        "indicator_proposal_district_id_school_id_fkey": .input["school_id"],
        // Reporting (0008).
        "school_open_before_close": .input["closed_on"],
        "report_requirement_school_district_id_school_id_fkey": .input["school_ids"],
        "report_requirement_national_audience": .input["audience"],
    ]

    /// Constraints that name no field a client could fix, and why (beside `isUnnamedByRule`).
    public static let unnamedConstraints: [String: String] = {
        let parent = "the parent in the request's path, which the store finds (or answers 404) before it writes"
        let storeWritten = "written by the store itself, never from a client's value"
        let history = "the import history, written by the importer"
        let operators = "national users and tokens, made by the operators' command"
        let upsert = "written with ON CONFLICT, so never refused"
        let generated = "the monitoring plan's items, generated from an approved plan by its job"
        let scanned = "made by the reporting scan from the district's own requirements, schools and people"
        let delivered = "written by a reminder's delivery job from the reminder it delivers"
        return [
            "action_plan_district_id_previous_id_fkey": storeWritten, "action_plan_reason": storeWritten,
            "performance_agreement_district_id_previous_id_fkey": storeWritten,
            "performance_agreement_reason": storeWritten,
            "api_token_district_id_token_hash_key": "a generated secret's hash",
            "membership_district_id_user_id_fkey": storeWritten, "membership_district_id_user_id_key": storeWritten,
            "activity_district_id_project_id_fkey": parent, "budget_line_district_id_project_id_fkey": parent,
            "agreement_item_district_id_agreement_id_fkey": parent, "goal_district_id_strategy_id_fkey": parent,
            "strategy_district_id_plan_id_fkey": parent, "project_district_id_plan_id_fkey": parent,
            "indicator_adoption_district_id_indicator_id_fkey": parent,
            "indicator_target_district_id_indicator_id_fkey": parent,
            "indicator_actual_district_id_indicator_id_fkey": parent,
            "indicator_adoption_district_id_indicator_id_school_id_key": upsert, "indicator_target_unique": upsert,
            "strategy_policy_district_id_strategy_id_policy_id_key": upsert,
            "strategy_policy_district_id_strategy_id_fkey": parent,
            "strategy_policy_policy_id_fkey": "the store resolves policy codes to ids and names unknown codes itself",
            "import_run_district_id_school_id_fkey": history, "import_run_dry_run": history,
            "import_run_refused_has_errors": history,
            "national_token_token_hash_key": operators, "national_token_user_id_fkey": operators,
            "national_user_email_key": operators,
            // Monitoring (0006).
            "calendar_feed_hash_unique": "a generated secret's hash",
            "evidence_content_size": storeWritten, "evidence_file_district_id_content_id_fkey": storeWritten,
            "evidence_file_district_id_finding_id_fkey": parent, "evidence_file_district_id_report_id_fkey": parent,
            "evidence_file_one_owner": storeWritten,
            "joint_visit_proposal_district_id_other_visit_id_fkey": storeWritten,
            "joint_visit_proposal_district_id_visit_id_fkey": storeWritten, "joint_visit_proposal_order": storeWritten,
            "joint_visit_proposal_unique": upsert, "finding_district_id_visit_id_fkey": parent,
            "monitoring_item_follows":
                "raised when a project, milestone or agreement item that items follow is deleted (never by the service: they belong to approved plans)",
            "monitoring_item_period_dates": generated,
            "monitoring_item_source": generated, "monitoring_item_unique": upsert,
            "progress_report_district_id_item_id_fkey": parent,
            "progress_report_district_id_previous_id_fkey": storeWritten,
            "progress_report_district_id_project_id_fkey": storeWritten,
            "progress_report_submitted_at": storeWritten,
            "progress_report_version_unique":
                "two new versions at once: the second waits on the first's row lock and is told a draft exists",
            "progress_report_one_draft":
                "two new drafts at once: the second waits on the first's row lock and is told a draft exists",
            "report_disbursement_district_id_report_id_fkey": parent,
            "team_member_district_id_team_id_fkey": parent, "visit_district_id_joined_into_id_fkey": storeWritten,
            "visit_member_no_overlap":
                "an overlap is a conflict of people, answered 409 naming them (VisitStore.clashes)",
            "visit_member_visit": storeWritten, "visit_time_range": storeWritten,
            // Evaluation (0007).
            "evaluation_round_kind": upsert, "evaluation_final_time": storeWritten,
            "evaluation_district_id_round_id_fkey": "the store finds the round (or answers 404) before it writes",
            "evaluation_district_id_school_id_fkey": "the evaluated subject's own unit, copied by the store",
            "evaluation_final":
                "raised when a final evaluation would change; the store refuses first (409), this is the database's guard",
            "indicator_proposal_reason": storeWritten, "indicator_proposal_accepted": storeWritten,
            "indicator_proposal_district_id_indicator_id_fkey": storeWritten,
            "school_rollup_district_id_school_id_fkey": "written by the roll-up job from the district's schools",
            "indicator_rollup_district_id_indicator_id_fkey":
                "written by the roll-up job from the district's indicators",
            // Reporting (0008).
            "report_requirement_national": upsert,
            "report_requirement_national_version": "a copy of OBEC's requirement, written by the reporting scan",
            "report_requirement_national_requirement_id_fkey":
                "a copy of OBEC's requirement, written by the reporting scan",
            "report_requirement_school_district_id_requirement_id_fkey": storeWritten,
            "report_submission_unit": upsert,
            "report_submission_returned_reason": storeWritten, "report_submission_submitted": storeWritten,
            "report_submission_district_id_requirement_id_fkey":
                "the store finds the requirement (or answers 404) before it writes",
            "report_submission_district_id_school_id_fkey": "the unit the store checked is expected to submit",
            "report_submission_version_district_id_submission_id_fkey": storeWritten,
            "evidence_file_district_id_submission_id_fkey": parent, "evidence_file_submission_section": storeWritten,
            // Reminders (0009): written by the reporting scan and the delivery jobs only.
            "reminder_once": upsert, "escalation_digest_once": upsert, "notification_reminder_once": upsert,
            "notification_digest_once": upsert, "delivery_once": upsert,
            "reminder_cancelled": storeWritten, "notification_source": storeWritten, "delivery_source": storeWritten,
            "escalation_digest_district_id_recipient_id_fkey": scanned,
            "notification_district_id_user_id_fkey": delivered, "notification_district_id_reminder_id_fkey": delivered,
            "notification_district_id_digest_id_fkey": delivered, "delivery_district_id_reminder_id_fkey": delivered,
            "delivery_district_id_digest_id_fkey": delivered,
            // Webhooks (0010).
            "webhook_endpoint_disabled": storeWritten, "webhook_secret_district_id_endpoint_id_fkey": storeWritten,
            "webhook_event_once": upsert, "delivery_webhook": storeWritten,
            "delivery_district_id_event_id_fkey": delivered, "delivery_district_id_endpoint_id_fkey": delivered,
            "delivery_attempt_district_id_delivery_id_fkey": delivered,
            // Reports (0012): written by the request and the assembly job from what the store found.
            "report_version_once": upsert, "report_version_district_id_request_id_fkey": storeWritten,
            "report_version_number": "numbered in turn by the assembly job, under a lock per report",
            "report_file_district_id_version_id_fkey": storeWritten,
            // National reports (0016): written by the part jobs of a request that exists.
            "national_report_part_request_id_fkey": storeWritten,
            "national_report_version_once": "the completing part looks for the request's version first, under its lock",
            "national_report_version_number": "numbered in turn by the completing part job, under a lock per report",
            "national_report_version_request_id_fkey": storeWritten,
            "national_report_file_version_id_fkey": storeWritten,
            // Publication and SARs (0013).
            "report_publication_once": upsert,
            "report_publication_number": "numbered in turn under the report's lock, as its versions are",
            "report_publication_district_id_version_id_fkey": "the store finds the version (or answers 404) first",
            "report_request_publish_annual": "the request's input is checked first (422 not_publishable)",
            "sar_report_submitted_levels": "the store lists every missing level (422) before it submits",
            "sar_report_returned_reason": storeWritten,
            "sar_report_district_id_school_id_fkey": "the store finds the school (or answers 404) before it writes",
            "sar_point_district_id_sar_id_fkey": parent, "evidence_file_district_id_sar_id_fkey": parent,
        ]
    }()

    /// Constraints left out by a rule of the schema rather than one by one: primary keys (ids
    /// are generated); a column's own CHECK (`<table>_<column>_check`, whose field the API and the
    /// domain check before any write, so a refusal there is a bug caught, reported against the
    /// record); a row's key to its own district, which is the tenant of the transaction.
    public static func isUnnamedByRule(_ name: String) -> Bool {
        name.hasSuffix("_pkey") || name.hasSuffix("_check") || name.hasSuffix("_district_id_fkey")
    }

    /// A PostgreSQL error as a domain error, with what to log beside it; nil for an error that is
    /// not PostgreSQL's or means nothing to the user (a bug: the API answers 500 and logs it).
    public static func domainError(for error: any Error) -> (error: DomainError, log: Note)? {
        guard let error = error as? PostgresError else { return nil }
        let note = Note(message: "\(error)")
        if error.kind == .connection || error.kind == .poolTimeout || error.isConnectionLoss {
            return (
                .unavailable(
                    Explanation(
                        "The database is not reachable just now; retry shortly.",
                        th: "ขณะนี้ติดต่อฐานข้อมูลไม่ได้ โปรดลองใหม่อีกครั้งในอีกสักครู่")),
                note.at(.warning, "database unavailable")
            )
        }
        let field = error.constraint.flatMap { constraintFields[$0] }
        if error.isUniqueViolation { return (.duplicate(field), note.at(.info, "a duplicate was refused")) }
        if error.sqlState == "23P01" {
            // An exclusion constraint: two bookings of the same people at overlapping times that
            // raced past the store's own check.
            return (
                .conflict(
                    Explanation(
                        "Someone on the team is already booked at an overlapping time.",
                        th: "มีผู้ร่วมลงพื้นที่ติดภารกิจการลงพื้นที่อื่นในช่วงเวลาที่ทับซ้อนกัน")),
                note.at(.info, "an overlapping booking was refused")
            )
        }
        if error.isForeignKeyViolation, error.detail?.contains("still referenced") == true {
            return (.stillReferenced, note.at(.info, "a record still referred to was kept"))
        }
        if error.isForeignKeyViolation {
            // The row referred to is not there for this caller (another district's ids look the same).
            return (
                .invalid([
                    FieldError(
                        field ?? .record, code: "not_found", detail: "No such record in your district.",
                        th: "ไม่พบข้อมูลที่อ้างถึงในเขตพื้นที่ของท่าน")
                ]),
                note.at(.info, "a reference was refused")
            )
        }
        if error.isCheckViolation || (error.sqlState?.hasPrefix("22") ?? false) {
            return (
                .invalid([
                    FieldError(
                        field ?? .record, code: "constraint", detail: "The value breaks a rule of this record.",
                        th: "ค่าที่ส่งมาขัดกับเงื่อนไขของข้อมูล")
                ]),
                note.at(.info, "constraint refused a write")
            )
        }
        if error.isRetryable {
            return (
                .unavailable(
                    Explanation(
                        "The change collided with another; retry.",
                        th: "การแก้ไขนี้ชนกับการแก้ไขอื่นที่เกิดพร้อมกัน โปรดลองใหม่")),
                note.at(.info, "a transaction collided")
            )
        }
        if error.sqlState == "42501" {
            return (
                .forbidden(
                    Explanation(
                        "The database refused this action for your role.",
                        th: "ฐานข้อมูลไม่อนุญาตให้บทบาทของท่านทำรายการนี้")),
                note.at(.warning, "the database refused an action")
            )
        }
        return nil
    }

    /// What the API logs about a refusal: the server's own message, never sent to the client.
    public struct Note: Sendable {
        public enum Level: Sendable { case info, warning }
        public var level: Level = .info
        public var summary = ""
        public let message: String

        func at(_ level: Level, _ summary: String) -> Note {
            var note = self
            note.level = level
            note.summary = summary
            return note
        }
    }
}
