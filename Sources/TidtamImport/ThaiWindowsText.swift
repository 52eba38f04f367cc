import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Excel on a Thai Windows saves “CSV (Comma delimited)” in the Windows Thai code page (874, a
/// superset of TIS-620), not UTF-8 — the file most offices have at hand. Such a file is decoded
/// with the C library's iconv rather than refused. (“CSV UTF-8” needs no decoding.)
enum ThaiWindowsText {
    /// The text of `data` read as code page 874; nil if a byte is not one of its characters.
    static func decode(_ data: Data) -> String? {
        let converter = iconv_open("UTF-8", "CP874")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        // Every byte past ASCII becomes at most three bytes of UTF-8.
        let high = data.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        var output = [UInt8](repeating: 0, count: data.count + 2 * high)
        var outputLeft = output.count
        let converted = data.withUnsafeBytes { raw -> Bool in
            guard let base = raw.bindMemory(to: CChar.self).baseAddress else { return true }
            var input: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: base)  // iconv only reads it
            var inputLeft = raw.count
            return output.withUnsafeMutableBytes { out in
                var cursor = out.bindMemory(to: CChar.self).baseAddress
                return iconv(converter, &input, &inputLeft, &cursor, &outputLeft) != -1 && inputLeft == 0
            }
        }
        guard converted else { return nil }
        return String(decoding: output[..<(output.count - outputLeft)], as: UTF8.self)
    }
}
