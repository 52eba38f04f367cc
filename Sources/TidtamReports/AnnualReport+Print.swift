import Foundation

/// The annual report as printed, in the five parts and headings of a Thai district office's
/// annual report: ส่วนที่ 1 ข้อมูลพื้นฐาน, ส่วนที่ 2 ทิศทางการดำเนินงาน, ส่วนที่ 3 ผลการดำเนินงาน,
/// ส่วนที่ 4 การติดตาม กำกับ นิเทศ และตรวจราชการ, ส่วนที่ 5 ปัญหา อุปสรรค บทเรียนที่ได้รับ และข้อเสนอแนะ.
extension AnnualReport {
    public var html: String {
        let e = PrintHTML.escape
        func baht(_ value: Decimal) -> String { PrintHTML.grouped(value) }
        func dec(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "–" }
        func rate(_ part: Decimal, _ whole: Decimal) -> String { dec(Self.percent(part, of: whole)) }

        var part1 = PrintHTML.pairs([
            ("ระยะเวลา", periodTH), ("สถานศึกษาในสังกัด", "\(overview.schools) แห่ง"),
            ("นักเรียน", "\(PrintHTML.grouped(Decimal(overview.students))) คน"),
            ("แผนปฏิบัติการที่อนุมัติแล้ว", "\(overview.plans) แผน (สถานศึกษา \(overview.schoolsWithPlan) แห่ง)"),
            ("โครงการ", "\(overview.projects) โครงการ และงาน \(overview.works) งาน"),
        ])
        part1 = "<h2>ส่วนที่ 1 ข้อมูลพื้นฐาน</h2>\(part1)"

        var part2 = "<h2>ส่วนที่ 2 ทิศทางการดำเนินงาน</h2>"
        if let plan = strategicPlan {
            part2 += "<p><strong>\(e(plan.titleTH))</strong> (\(e(plan.yearsTH)))</p>"
            if let vision = plan.visionTH { part2 += "<h3>วิสัยทัศน์</h3><p>\(e(vision))</p>" }
            if let mission = plan.missionTH { part2 += "<h3>พันธกิจ</h3><p>\(e(mission))</p>" }
            part2 += "<h3>กลยุทธ์และเป้าประสงค์</h3>"
            part2 += PrintHTML.table(
                header: ["กลยุทธ์", "เป้าประสงค์"],
                rows: plan.strategies.map { s in
                    ["\(s.code) \(s.nameTH)", s.goals.map { "\($0.code) \($0.nameTH)" }.joined(separator: "\n")]
                }, widths: [45, 55])
        } else {
            part2 += "<p>ยังไม่มีแผนกลยุทธ์ของสำนักงานที่ครอบคลุมปีงบประมาณนี้</p>"
        }

        var part3 = "<h2>ส่วนที่ 3 ผลการดำเนินงาน</h2><h3>3.1 การดำเนินงานตามแผนปฏิบัติการและการใช้งบประมาณ</h3>"
        part3 += PrintHTML.table(
            header: ["แหล่งงบประมาณ", "ได้รับจัดสรร (บาท)", "เบิกจ่าย (บาท)", "ร้อยละ"],
            rows: budget.bySource.map {
                [$0.sourceTH, baht($0.allocated), baht($0.disbursed), rate($0.disbursed, $0.allocated)]
            }
                + [["รวม", baht(budget.allocated), baht(budget.disbursed), rate(budget.disbursed, budget.allocated)]],
            numeric: [1, 2, 3], widths: [40, 22, 22, 16])
        part3 += PrintHTML.table(
            header: ["สถานะของโครงการ (ตามรายงานความก้าวหน้าล่าสุด)", "จำนวน"],
            rows: projectsByStatus.map { [$0.statusTH, "\($0.projects)"] }, numeric: [1], widths: [75, 25])
        part3 += PrintHTML.pairs([
            ("รายงานความก้าวหน้าที่ถึงกำหนด", "\(progressReports.due)"), ("ส่งตรงเวลา", "\(progressReports.onTime)"),
            ("ส่งล่าช้า", "\(progressReports.late)"), ("ไม่ได้ส่ง", "\(progressReports.missing)"),
        ])
        if !officeProjects.isEmpty {
            part3 += "<h3>โครงการของสำนักงานเขตพื้นที่การศึกษา</h3>"
            part3 += PrintHTML.table(
                header: ["รหัส", "โครงการ", "งบประมาณ (บาท)", "เบิกจ่าย (บาท)", "ความก้าวหน้า", "สถานะ"],
                rows: officeProjects.map {
                    [$0.code, $0.nameTH, baht($0.allocated), baht($0.disbursed), dec($0.percentComplete), $0.statusTH]
                }, numeric: [2, 3, 4], widths: [10, 36, 15, 15, 10, 14])
        }
        part3 += "<h3>ผลการดำเนินงานของสถานศึกษา</h3>"
        part3 += PrintHTML.table(
            header: [
                "ที่", "สถานศึกษา", "โครงการ", "งบประมาณ (บาท)", "เบิกจ่าย (บาท)", "ความก้าวหน้าเฉลี่ย", "รายงานล่าช้า/ไม่ส่ง",
            ],
            rows: schools.enumerated().map { n, s in
                [
                    "\(n + 1)", s.nameTH, "\(s.projects)", baht(s.allocated), baht(s.disbursed),
                    dec(s.meanPercentComplete),
                    "\(s.reportsLate)/\(s.reportsMissing)",
                ]
            }, numeric: [0, 2, 3, 4, 5, 6], widths: [6, 27, 11, 16, 15, 12, 13])

        part3 += "<h3>3.2 ผลการดำเนินงานตามตัวชี้วัด</h3>"
        part3 += PrintHTML.pairs([
            ("ตัวชี้วัดที่มีค่าเป้าหมาย", "\(indicators.withTarget)"), ("บรรลุค่าเป้าหมาย", "\(indicators.met)"),
            ("ไม่บรรลุค่าเป้าหมาย", "\(indicators.notMet)"), ("ไม่ได้รายงานผล", "\(indicators.notReported)"),
        ])
        if !officeIndicators.isEmpty {
            part3 += PrintHTML.table(
                header: ["ตัวชี้วัดของสำนักงาน", "หน่วยนับ", "ค่าเป้าหมาย", "ผล", "การบรรลุ"],
                rows: officeIndicators.map {
                    [
                        [$0.code, $0.nameTH].compactMap { $0 }.joined(separator: " "), $0.unitTH, "\($0.target)",
                        dec($0.actual), Self.metTH($0.met),
                    ]
                }, numeric: [2, 3], widths: [46, 12, 14, 12, 16])
        }
        part3 += "<h3>3.3 ผลการประเมิน</h3>"
        if let round = evaluationRound, !evaluations.isEmpty {
            part3 += "<p>\(e(round.nameTH))</p>"
            part3 += PrintHTML.table(
                header: ["การประเมิน", "จำนวน", "มีคะแนน", "ไม่ได้รายงานผล", "คะแนนเฉลี่ย", "ระดับ 0–5"],
                rows: evaluations.map {
                    [
                        $0.subjectTH, "\($0.evaluated)", "\($0.scored)", "\($0.notReported)", dec($0.mean),
                        $0.levels.map(String.init).joined(separator: " / "),
                    ]
                }, numeric: [1, 2, 3, 4], widths: [28, 11, 11, 13, 12, 25])
        } else {
            part3 += "<p>ยังไม่มีการประเมินในปีงบประมาณนี้</p>"
        }

        var part4 = "<h2>ส่วนที่ 4 การติดตาม กำกับ นิเทศ และตรวจราชการ</h2>"
        part4 += PrintHTML.table(
            header: ["ประเภท", "วางแผนไว้", "ดำเนินการแล้ว", "ยกเลิก", "สถานศึกษาที่ไป"],
            rows: visits.map { [$0.kindTH, "\($0.planned)", "\($0.done)", "\($0.cancelled)", "\($0.schools)"] },
            numeric: [1, 2, 3, 4], widths: [28, 18, 18, 16, 20])
        part4 += PrintHTML.pairs([
            ("ข้อค้นพบทั้งหมด", "\(findings.total)"), ("ยังไม่ได้ดำเนินการ", "\(findings.open)"),
            ("อยู่ระหว่างดำเนินการ", "\(findings.inProgress)"), ("ดำเนินการแล้ว", "\(findings.closed)"),
        ])
        if !openFindings.isEmpty {
            part4 += "<h3>ข้อค้นพบที่ยังต้องติดตาม</h3>"
            part4 += PrintHTML.table(
                header: ["สถานศึกษา", "ข้อค้นพบ", "ข้อเสนอแนะ", "กำหนดแล้วเสร็จ", "สถานะ"],
                rows: openFindings.map {
                    [$0.schoolTH, $0.findingTH, $0.recommendationTH ?? "–", $0.dueOnTH ?? "–", $0.statusTH]
                },
                widths: [20, 30, 26, 12, 12])
        }

        var part5 = "<h2>ส่วนที่ 5 ปัญหา อุปสรรค บทเรียนที่ได้รับ และข้อเสนอแนะ</h2>"
        func list(_ heading: String, _ lessons: [Lesson], none: String) -> String {
            guard !lessons.isEmpty else { return "<h3>\(e(heading))</h3><p>\(e(none))</p>" }
            let items = lessons.map { l in
                let source = [l.unitTH, l.projectTH].compactMap { $0 }.joined(separator: " · ")
                return "<li>\(e(l.textTH)) <span class=\"source\">(\(e(source)))</span></li>"
            }
            return "<h3>\(e(heading))</h3><ol>\(items.joined())</ol>"
        }
        part5 += list("ปัญหาและอุปสรรคจากรายงานความก้าวหน้า", lessons.problems, none: "ไม่มีรายงานปัญหาและอุปสรรค")
        part5 += list("ข้อเสนอแนะจากการติดตามและนิเทศ", lessons.recommendations, none: "ไม่มีข้อเสนอแนะ")
        part5 += list("ความเห็นของผู้ประเมิน", lessons.evaluatorComments, none: "ไม่มีความเห็นของผู้ประเมิน")

        let body = """
            <h1>\(e(titleTH))</h1>
            <p class="meta">\(e(district.nameTH)) · จัดทำเมื่อ \(e(assembledOnTH))</p>
            \(part1)
            \(part2)
            \(part3)
            \(part4)
            \(part5)
            """
        return PrintHTML.document(titleTH: titleTH, body: body)
    }
}
