import CCrypto
import Foundation

/// What the import history keeps of a file: its name, its size and its SHA-256, by which a file
/// sent again is recognised. (Not its content: the rows it loaded are in the plans.)
public struct ImportFile: Sendable, Equatable {
    public let name: String?
    public let bytes: Int
    /// Lowercase hex.
    public let sha256: String

    public init(name: String?, data: Data) {
        self.name = Self.label(name)
        bytes = data.count
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { raw in _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &digest) }
        sha256 = digest.map { String(format: "%02x", $0) }.joined()
    }

    /// A name is a label for people: control characters (a NUL cannot even be sent to
    /// PostgreSQL) and any directory are dropped, and it is cut to the column's 255 characters.
    static func label(_ name: String?) -> String? {
        guard let name else { return nil }
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let printable = String(
            String.UnicodeScalarView(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        let trimmed = printable.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : String(trimmed.prefix(255))
    }
}
