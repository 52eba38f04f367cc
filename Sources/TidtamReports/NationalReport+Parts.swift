import Foundation
import TidtamDomain

/// A district's row of each national report, taken from the same data as that district's own
/// report of the kind, so the national figures are the districts' figures, not a second count.
extension NationalReport.Part {
    static func count(_ value: Int) -> Decimal { Decimal(value) }

    /// A requirement of OBEC's in one district: its units expected, sent, on time, late and
    /// missing, and whether the district's consolidated report of the period reached OBEC
    /// (`consolidatedVersions` assembled, each one OBEC sees arrive).
    public static func requirement(_ report: ConsolidatedReport, consolidatedVersions: Int) -> Self {
        let s = report.summary
        let columns: [NationalReport.Column] = [
            NationalReport.Column("expected", "หน่วยงานที่ต้องส่ง", .count),
            NationalReport.Column("submitted", "ส่งแล้ว", .count),
            NationalReport.Column("on_time", "ส่งตรงเวลา", .count), NationalReport.Column("late", "ส่งล่าช้า", .count),
            NationalReport.Column("missing", "ยังไม่ส่ง", .count),
            NationalReport.Column("reporting_rate", "ร้อยละที่ส่ง", .percent, ratio: ["submitted", "expected"]),
            NationalReport.Column("on_time_rate", "ร้อยละที่ส่งตรงเวลา", .percent, ratio: ["on_time", "expected"]),
            NationalReport.Column("consolidated_versions", "รายงานสรุปที่ส่งถึง สพฐ. (ฉบับ)", .count),
            NationalReport.Column("reached_obec", "ส่งรายงานสรุปถึง สพฐ.", .text),
        ]
        var values: [String: Decimal] = [
            "expected": count(s.expected), "submitted": count(s.submitted), "on_time": count(s.onTime),
            "late": count(s.late), "missing": count(s.missing), "consolidated_versions": count(consolidatedVersions),
        ]
        values["reporting_rate"] = NationalReport.percent(count(s.submitted), of: count(s.expected))
        values["on_time_rate"] = NationalReport.percent(count(s.onTime), of: count(s.expected))
        return Self(
            district: report.district, columns: columns, values: values,
            texts: ["reached_obec": consolidatedVersions > 0 ? "ส่งแล้ว" : "ยังไม่ส่ง"])
    }

    /// A district that has no copy of OBEC's requirement yet (its reporting scan has not run).
    public static func withoutRequirement(_ district: ConsolidatedReport.District) -> Self {
        Self(
            district: district, columns: [], values: [:],
            errorTH: "เขตพื้นที่ยังไม่ได้รับรายงานที่ สพฐ. กำหนดนี้")
    }

    /// The performance agreements' evaluation in one district: its distribution of scores.
    public static func agreements(_ report: AgreementEvaluationReport) -> Self {
        let d = report.distribution
        var columns: [NationalReport.Column] = [
            NationalReport.Column("evaluated", "สถานศึกษาที่ประเมิน", .count),
            NationalReport.Column("scored", "มีคะแนน", .count),
            NationalReport.Column("not_reported", "ไม่ได้รายงานผล", .count),
            NationalReport.Column("final", "ประเมินเสร็จสิ้น", .count),
        ]
        var values: [String: Decimal] = [
            "evaluated": count(d.evaluated), "scored": count(d.scored), "not_reported": count(d.notReported),
            "final": count(d.final),
        ]
        for (level, schools) in d.levels.enumerated() {
            columns.append(NationalReport.Column("level_\(level)", "ระดับ \(level)", .count))
            values["level_\(level)"] = count(schools)
        }
        columns.append(NationalReport.Column("mean", "คะแนนเฉลี่ย", .mean, weight: "scored"))
        columns.append(NationalReport.Column("median", "มัธยฐาน", .mean))
        values["mean"] = d.mean
        values["median"] = d.median
        return Self(district: report.district, columns: columns, values: values)
    }

    /// The annual report's figures of one district: schools, projects by status, budgets by source.
    public static func annual(_ report: AnnualReport) -> Self {
        let o = report.overview, b = report.budget, p = report.progressReports, i = report.indicators
        var columns: [NationalReport.Column] = [
            NationalReport.Column("schools", "สถานศึกษา", .count), NationalReport.Column("students", "นักเรียน", .count),
            NationalReport.Column("projects", "โครงการ", .count),
            NationalReport.Column("allocated", "งบประมาณที่ได้รับจัดสรร (บาท)", .amount),
            NationalReport.Column("disbursed", "เบิกจ่าย (บาท)", .amount),
            NationalReport.Column("disbursed_rate", "ร้อยละการเบิกจ่าย", .percent, ratio: ["disbursed", "allocated"]),
        ]
        var values: [String: Decimal] = [
            "schools": count(o.schools), "students": count(o.students), "projects": count(o.projects),
            "allocated": b.allocated, "disbursed": b.disbursed,
        ]
        values["disbursed_rate"] = NationalReport.percent(b.disbursed, of: b.allocated)
        for source in b.bySource {
            columns.append(
                NationalReport.Column("allocated:\(source.source)", "จัดสรร: \(source.sourceTH) (บาท)", .amount))
            columns.append(
                NationalReport.Column("disbursed:\(source.source)", "เบิกจ่าย: \(source.sourceTH) (บาท)", .amount))
            values["allocated:\(source.source)"] = source.allocated
            values["disbursed:\(source.source)"] = source.disbursed
        }
        for status in report.projectsByStatus {
            let key = "projects:\(status.status ?? "none")"
            columns.append(NationalReport.Column(key, "โครงการ: \(status.statusTH)", .count))
            values[key] = count(status.projects)
        }
        let rest: [(String, String, Int)] = [
            ("reports_on_time", "รายงานความก้าวหน้าตรงเวลา", p.onTime), ("reports_late", "รายงานล่าช้า", p.late),
            ("reports_missing", "ไม่ได้รายงาน", p.missing), ("indicators_met", "ตัวชี้วัดที่บรรลุ", i.met),
            ("indicators_not_met", "ตัวชี้วัดที่ไม่บรรลุ", i.notMet),
            ("indicators_not_reported", "ตัวชี้วัดที่ไม่ได้รายงานผล", i.notReported),
        ]
        for (key, th, value) in rest {
            columns.append(NationalReport.Column(key, th, .count))
            values[key] = count(value)
        }
        return Self(district: report.district, columns: columns, values: values)
    }

    /// The schools' self-assessments in one district: schools at each level of each standard.
    public static func selfAssessments(_ report: SARSummaryReport) -> Self {
        var columns: [NationalReport.Column] = [
            NationalReport.Column("schools", "สถานศึกษา", .count),
            NationalReport.Column("submitted", "ส่งรายงานแล้ว", .count),
            NationalReport.Column("submitted_rate", "ร้อยละที่ส่ง", .percent, ratio: ["submitted", "schools"]),
        ]
        var values: [String: Decimal] = ["schools": count(report.schools), "submitted": count(report.submitted)]
        values["submitted_rate"] = NationalReport.percent(count(report.submitted), of: count(report.schools))
        for standard in report.standards {
            let s = standard.standard
            for (index, schools) in standard.levels.enumerated() {
                let level = SARLevel(rawValue: index + 1)?.thaiName ?? "ระดับ \(index + 1)"
                columns.append(
                    NationalReport.Column("standard_\(s):level_\(index + 1)", "มาตรฐานที่ \(s): \(level)", .count))
                values["standard_\(s):level_\(index + 1)"] = count(schools)
            }
            columns.append(NationalReport.Column("standard_\(s):assessed", "มาตรฐานที่ \(s): ประเมินแล้ว", .count))
            values["standard_\(s):assessed"] = count(standard.levels.reduce(0, +))
            columns.append(
                NationalReport.Column(
                    "standard_\(s):mean", "มาตรฐานที่ \(s): ระดับเฉลี่ย", .mean, weight: "standard_\(s):assessed"))
            values["standard_\(s):mean"] = standard.mean
        }
        return Self(district: report.district, columns: columns, values: values)
    }
}
