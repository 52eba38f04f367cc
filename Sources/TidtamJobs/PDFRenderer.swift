import Foundation

/// Turns a report's print HTML into PDF with WeasyPrint, run as a separate process (Debian's
/// `weasyprint`): its Pango breaks Thai lines with libthai and it follows CSS paged media (A4,
/// margins, page numbers in the margin boxes, rows kept whole), which headless Chromium's print
/// does only in part; and it is one short-lived process, not a browser to keep alive. The HTML
/// goes in and the PDF comes out through files in a directory of their own.
public struct PDFRenderer: Sendable {
    public var executable: String
    public var timeout: Duration

    public init(
        executable: String = ProcessInfo.processInfo.environment["TIDTAM_PDF_RENDERER"] ?? "weasyprint",
        timeout: Duration = .seconds(120)
    ) {
        self.executable = executable
        self.timeout = timeout
    }

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled(String)
        case failed(status: Int32, output: String)
        case timedOut

        public var description: String {
            switch self {
            case .notInstalled(let path):
                "the PDF renderer (\(path)) is not installed: apt-get install weasyprint fonts-thai-tlwg"
            case .failed(let status, let output): "the PDF renderer ended with \(status): \(output.suffix(500))"
            case .timedOut: "the PDF renderer took too long"
            }
        }
    }

    public func render(html: [UInt8]) async throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidtam-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("report.html"),
            output = directory.appendingPathComponent("report.pdf")
        try Data(html).write(to: input)
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        }
        process.arguments = (executable.contains("/") ? [] : [executable]) + ["--quiet", input.path, output.path]
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        let status: Int32 = try await withThrowingTaskGroup(of: Int32.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, Error>) in
                    process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                    do { try process.run() } catch { continuation.resume(throwing: Failure.notInstalled(executable)) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure.timedOut
            }
            defer { group.cancelAll() }
            do {
                return try await group.next()!
            } catch {
                if process.isRunning { process.terminate() }
                throw error
            }
        }
        let said = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // env answers 127 when the program is not there.
        if status == 127 { throw Failure.notInstalled(executable) }
        guard status == 0, let pdf = try? Data(contentsOf: output) else {
            throw Failure.failed(status: status, output: said)
        }
        return [UInt8](pdf)
    }
}
