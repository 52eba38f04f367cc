import Foundation

/// An address with an optional display name (Thai names are encoded as RFC 2047 words).
public struct MailAddress: Sendable, Equatable {
    public var address: String
    public var name: String?
    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Whether it is a plain addr-spec without what could break a header or an SMTP command.
    public var isValid: Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.count <= 254
            && address.unicodeScalars.allSatisfy {
                $0.isASCII && $0.value > 32 && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
            }
    }

    var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        return "\(MailMessage.encodedWords(name)) <\(address)>"
    }
}

/// A message as the reminders send it: a Thai subject, a plain-text and an HTML body (UTF-8,
/// base64), and a stable Message-ID, so a message sent again after a crash is recognisable as
/// the same one by whoever receives it.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var text: String
    public var html: String
    /// Without the angle brackets: `reminder-3-1742@tidtam.example`.
    public var messageID: String
    public var date: Date

    public init(
        from: MailAddress, to: [MailAddress], subject: String, text: String, html: String, messageID: String,
        date: Date = Date()
    ) {
        self.from = from; self.to = to; self.subject = subject; self.text = text; self.html = html
        self.messageID = messageID; self.date = date
    }

    /// RFC 2047 encoded-words (`=?UTF-8?B?…?=`), each at most 75 characters and cut between
    /// whole characters, folded onto continuation lines; plain ASCII without specials stays as it is.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0 != "=" && $0 != "?" }) { return text }
        var chunks: [[UInt8]] = [], chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes are 60 base64 characters: with `=?UTF-8?B?` and `?=`, 72 of the 75 allowed.
            if chunk.count + bytes.count > 45 {
                chunks.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { chunks.append(chunk) }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// The whole message, CRLF line endings, ready for SMTP's DATA (before dot-stuffing).
    public func rendered(boundary: String = "=_tidtam_" + UUID().uuidString.replacingOccurrences(of: "-", with: ""))
        -> String
    {
        var lines = [
            "From: \(from.header)",
            "To: \(to.map(\.header).joined(separator: ",\r\n "))",
            "Subject: \(Self.encodedWords(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "--\(boundary)", "Content-Type: \(type); charset=UTF-8", "Content-Transfer-Encoding: base64", "",
                Data(body.utf8).base64EncodedString(options: [
                    .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
                ]),
            ]
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// "Tue, 01 Dec 2026 17:30:00 +0700", in Thailand's time.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
