/// What went wrong, said in Thai and in English: a problem document carries both (`detail_th`
/// beside `detail`), so a Thai office reads it in Thai whichever client shows it.
public struct Explanation: Sendable, Equatable, CustomStringConvertible {
    public let english: String
    public let thai: String

    public init(_ english: String, th thai: String) {
        self.english = english
        self.thai = thai
    }

    public var description: String { english }

    /// "an approved action plan", or with `capital` "An approved action plan".
    public static func indefinite(_ phrase: String, capital: Bool = false) -> String {
        let article = "aeiou".contains(phrase.first ?? "x") ? "an" : "a"
        return (capital ? article.prefix(1).uppercased() + article.dropFirst() : article) + " " + phrase
    }
}

/// The kinds of record a caller can ask for and not find, or act on and be refused, named in
/// both languages for the messages about them.
public struct RecordKind: Sendable, Equatable {
    public let english: String
    public let thai: String

    public init(_ english: String, th thai: String) {
        self.english = english
        self.thai = thai
    }

    /// "an action plan", "a project".
    public var withArticle: String { Explanation.indefinite(english) }

    public static let district = RecordKind("district", th: "สำนักงานเขตพื้นที่การศึกษา")
    public static let school = RecordKind("school", th: "สถานศึกษา")
    public static let user = RecordKind("user", th: "ผู้ใช้")
    public static let token = RecordKind("token", th: "โทเคน")
    public static let job = RecordKind("job", th: "งานเบื้องหลัง")
    public static let strategicPlan = RecordKind("strategic plan", th: "แผนกลยุทธ์")
    public static let actionPlan = RecordKind("action plan", th: "แผนปฏิบัติการประจำปี")
    public static let project = RecordKind("project", th: "โครงการ/งาน")
    public static let indicator = RecordKind("indicator", th: "ตัวชี้วัด")
    public static let adoption = RecordKind(
        "adoption of the indicator by this school", th: "การรับตัวชี้วัดไปใช้ของสถานศึกษานี้")
    public static let agreement = RecordKind("performance agreement", th: "ข้อตกลงผลการปฏิบัติงาน")
    public static let importRun = RecordKind("import", th: "รายการนำเข้าข้อมูล")
    public static let importKind = RecordKind("import kind", th: "ชนิดข้อมูลนำเข้า")
    public static let monitoringItem = RecordKind("monitoring plan item", th: "รายการในแผนการติดตาม")
    public static let progressReport = RecordKind("progress report", th: "รายงานความก้าวหน้า")
    public static let evidenceFile = RecordKind("evidence file", th: "ไฟล์หลักฐาน")
    public static let indicatorActual = RecordKind("indicator actual", th: "ผลการดำเนินงานตามตัวชี้วัด")
    public static let visit = RecordKind("visit", th: "การลงพื้นที่")
    public static let team = RecordKind("team", th: "ทีมลงพื้นที่")
    public static let closedDay = RecordKind("closed day", th: "วันปิดทำการ")
    public static let publicHoliday = RecordKind("public holiday", th: "วันหยุดราชการ")
    public static let jointVisitProposal = RecordKind("joint visit proposal", th: "ข้อเสนอให้ลงพื้นที่ร่วมกัน")
    public static let finding = RecordKind("finding", th: "ข้อค้นพบ")
    public static let evaluationRound = RecordKind("evaluation round", th: "รอบการประเมิน")
    public static let evaluation = RecordKind("evaluation", th: "ผลการประเมิน")
    public static let indicatorProposal = RecordKind("indicator proposal", th: "ข้อเสนอตัวชี้วัด")
    public static let calendarFeed = RecordKind("calendar feed", th: "ปฏิทินออนไลน์")
    public static let requirement = RecordKind("report requirement", th: "รายงานที่ต้องส่ง")
    public static let submission = RecordKind("report submission", th: "การส่งรายงาน")
    public static let notification = RecordKind("notification", th: "ข้อความแจ้งเตือน")
    public static let webhookEndpoint = RecordKind("webhook endpoint", th: "ปลายทาง webhook")
    public static let webhookDelivery = RecordKind("webhook delivery", th: "การส่ง webhook")
    public static let reportRequest = RecordKind("report request", th: "คำขอจัดทำรายงาน")
    public static let reportVersion = RecordKind("report", th: "รายงาน")
    public static let nationalReportRequest = RecordKind("national report request", th: "คำขอจัดทำรายงานระดับประเทศ")
    public static let nationalReport = RecordKind("national report", th: "รายงานระดับประเทศ")
    public static let reportFile = RecordKind("report file", th: "ไฟล์รายงาน")
    public static let publishedReport = RecordKind("published annual report", th: "รายงานประจำปีที่เผยแพร่")
    public static let sar = RecordKind("self-assessment report", th: "รายงานการประเมินตนเอง")
}
