import Foundation

/// The real SMTP server the test command starts (deploy/dev/smtp_server.py, PyPI's aiosmtpd):
/// STARTTLS with a certificate made for the run, AUTH required after it, every message kept as
/// a file and indexed by Message-ID.
public struct TestMailServer: Sendable {
    public let port: Int
    public let caFile: String
    public let maildir: URL
    public let username: String
    public let password: String

    /// The server of this run, or nil outside the test command.
    public static var current: TestMailServer? {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["TIDTAM_TEST_SMTP_PORT"].flatMap(Int.init), let ca = env["TIDTAM_TEST_SMTP_CA"],
            let dir = env["TIDTAM_TEST_MAILDIR"], let user = env["TIDTAM_TEST_SMTP_USER"],
            let password = env["TIDTAM_TEST_SMTP_PASSWORD"]
        else { return nil }
        return TestMailServer(
            port: port, caFile: ca, maildir: URL(fileURLWithPath: dir), username: user, password: password)
    }

    /// (Message-ID, recipients) of every message received so far, in order.
    public func received() -> [(messageID: String, recipients: String)] {
        guard let text = try? String(contentsOf: maildir.appendingPathComponent("index.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Waits until at least `count` messages arrived (or `seconds` passed); returns them.
    public func waitFor(_ count: Int, seconds: Double = 10) async throws -> [(messageID: String, recipients: String)] {
        let deadline = Date().addingTimeInterval(seconds)
        while received().count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return received()
    }

    /// The kept file of the message with this Message-ID (`<…>`), read by Python's own e-mail
    /// parser (Tests/mail/parse_message.py) as a mail client would show it.
    public func parsed(messageID: String) throws -> [String: Any]? {
        let files = try FileManager.default.contentsOfDirectory(at: maildir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
        for file in files {
            let parsed = try Self.parse(file)
            if parsed["message_id"] as? String == messageID { return parsed }
        }
        return nil
    }

    static func parse(_ file: URL) throws -> [String: Any] {
        try PythonScript.json("Tests/mail/parse_message.py", file.path)
    }
}

/// A test's own Python script (a real parser from PyPI or the standard library, reading what
/// the service wrote), its JSON output decoded.
public enum PythonScript {
    public static func json(_ script: String, _ arguments: String...) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.repositoryRoot.appendingPathComponent(script).path] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw NSError(
                domain: script, code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: message])
        }
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// Thai text as pdftotext reads it back from WeasyPrint's PDFs, made comparable: without spaces
/// (added where a line breaks or an upper vowel shifts); ำ read as า (HarfBuzz draws SARA AM as
/// two glyphs and only the second maps back to text, sometimes after a NIKHAHIT); and without
/// MAI THO and SARA UU, whose positioned variants in Laksaman's subset map back to each other
/// (ครู reads as คร้, ให้ as ใหู). The pages themselves show the right letters (looked at as
/// pictures from pdftoppm); this is the text layer's mapping only.
public enum PDFText {
    public static func comparable(_ text: String) -> String {
        String(
            text.replacingOccurrences(of: "ำ", with: "า").unicodeScalars.filter {
                !$0.properties.isWhitespace && !["\u{0E4D}", "\u{0E49}", "\u{0E39}"].contains($0)
            })
    }
}

/// A rendered report file read back by its real reader: a PDF by poppler (`check_pdf.py`: its
/// text, fonts and page 1's ink) and a workbook by openpyxl (`read_xlsx.py`), from a temporary file.
public enum RenderedFile {
    public static func pdf(_ bytes: [UInt8]) throws -> [String: Any] {
        try read(bytes, "pdf", "Tests/reports/check_pdf.py")
    }

    public static func workbookSheets(_ bytes: [UInt8]) throws -> [String: [[[String: Any]]]] {
        try read(bytes, "xlsx", "Tests/reports/read_xlsx.py")["sheets"] as! [String: [[[String: Any]]]]
    }

    static func read(_ bytes: [UInt8], _ ext: String, _ script: String) throws -> [String: Any] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rendered-\(UUID()).\(ext)")
        try Data(bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        return try PythonScript.json(script, path.path)
    }
}
