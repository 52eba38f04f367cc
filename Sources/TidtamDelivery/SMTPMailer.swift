import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how e-mail is sent (docs/operations.md: `TIDTAM_SMTP_*`).
public struct SMTPConfiguration: Sendable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS, refused if the server does not offer it (587).
        case startTLS = "starttls"
        /// TLS from the first byte (465).
        case tls
        /// No encryption: only for a relay on the same machine.
        case none
    }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var from: MailAddress
    /// The name this client gives in EHLO.
    public var heloName: String
    /// PEM certificates to trust instead of the system's (a private relay's own CA).
    public var trustRootsFile: String?
    /// For one whole message: connect, greet, send, quit.
    public var timeout: Duration

    public init(
        host: String, port: Int = 587, security: Security = .startTLS, username: String? = nil,
        password: String? = nil, from: MailAddress, heloName: String = "tidtam", trustRootsFile: String? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.host = host; self.port = port; self.security = security; self.username = username
        self.password = password; self.from = from; self.heloName = heloName; self.trustRootsFile = trustRootsFile
        self.timeout = timeout
    }
}

public enum SMTPError: Error, CustomStringConvertible, Equatable {
    case refused(command: String, code: Int, text: String)
    case malformedReply(String)
    case connectionClosed
    case startTLSUnavailable
    case invalidAddress(String)
    case timedOut

    public var description: String {
        switch self {
        case .refused(let command, let code, let text): "the server answered \(command) with \(code) \(text)"
        case .malformedReply(let line): "the server's reply is not SMTP: \(line.prefix(80))"
        case .connectionClosed: "the server closed the connection"
        case .startTLSUnavailable: "the server does not offer STARTTLS, which the configuration requires"
        case .invalidAddress(let address): "not an address to send to: \(address)"
        case .timedOut: "no answer in time"
        }
    }

    /// A refusal with a 5xx code will be refused again: no point retrying (a 4xx may pass later).
    public var isPermanent: Bool {
        switch self {
        case .refused(_, let code, _): code >= 500
        case .invalidAddress: true
        default: false
        }
    }
}

/// A small SMTP client on SwiftNIO (as apple/swift-nio-examples' NIOSMTP does), one connection
/// per message: EHLO, STARTTLS with swift-nio-ssl, AUTH PLAIN when credentials are set, MAIL,
/// RCPT, DATA (dot-stuffed), QUIT.
public struct SMTPMailer: Sendable {
    public let configuration: SMTPConfiguration
    let tls: NIOSSLContext?

    public init(_ configuration: SMTPConfiguration) throws {
        self.configuration = configuration
        if configuration.security == .none {
            tls = nil
        } else {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let file = configuration.trustRootsFile { tlsConfiguration.trustRoots = .file(file) }
            tls = try NIOSSLContext(configuration: tlsConfiguration)
        }
    }

    public func send(_ message: MailMessage) async throws {
        for address in [configuration.from] + message.to where !address.isValid {
            throw SMTPError.invalidAddress(address.address)
        }
        let timeout = configuration.timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(message) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SMTPError.timedOut
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func tlsHandler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: tls!, serverHostname: configuration.host)
    }

    func converse(_ message: MailMessage) async throws {
        let c = configuration
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: c.host, port: c.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if c.security == .tls { try channel.pipeline.syncOperations.addHandler(self.tlsHandler()) }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var talk = SMTPConversation(replies: inbound.makeAsyncIterator(), outbound: outbound)
            try await talk.expect(220, after: "the greeting")
            var hello = try await talk.command("EHLO \(c.heloName)", expecting: 250)
            if c.security == .startTLS {
                guard hello.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError.startTLSUnavailable
                }
                try await talk.command("STARTTLS", expecting: 220)
                // Nearest the socket, made on the channel's own event loop.
                let pipeline = channel.channel.pipeline
                try await channel.channel.eventLoop.submit {
                    try pipeline.syncOperations.addHandler(self.tlsHandler(), position: .first)
                }.get()
                hello = try await talk.command("EHLO \(c.heloName)", expecting: 250)
            }
            if let username = c.username, let password = c.password {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await talk.command("AUTH PLAIN \(token)", expecting: 235, shownAs: "AUTH PLAIN")
            }
            try await talk.command("MAIL FROM:<\(c.from.address)>", expecting: 250)
            for recipient in message.to {
                try await talk.command("RCPT TO:<\(recipient.address)>", expecting: 250, or: 251)
            }
            try await talk.command("DATA", expecting: 354)
            try await talk.write(Self.dotStuffed(message.rendered()) + ".\r\n")
            try await talk.expect(250, after: "the message")
            try? await talk.write("QUIT\r\n")
        }
    }

    /// A line that starts with "." gets one more, so the message cannot end DATA early.
    static func dotStuffed(_ text: String) -> String {
        text.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }
}

/// One reply: its code and its lines' texts (`250-STARTTLS`, `250 OK`).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

/// Lines into replies: a reply ends with the line whose code is followed by a space.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let raw = buffer.readString(length: newline - buffer.readerIndex + 1) ?? ""
        let line = raw.trimmingCharacters(in: .newlines)
        guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.malformedReply(line) }
        let rest = line.dropFirst(3)
        lines.append(String(rest.dropFirst()))
        if rest.first != "-" {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
            lines = []
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        try decode(context: context, buffer: &buffer)
    }
}

/// The client's side of the dialogue: a command, then the reply it must get.
struct SMTPConversation {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    @discardableResult
    mutating func expect(_ code: Int, or other: Int? = nil, after what: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPError.connectionClosed }
        guard reply.code == code || reply.code == other else {
            throw SMTPError.refused(command: what, code: reply.code, text: reply.lines.joined(separator: " "))
        }
        return reply
    }

    @discardableResult
    mutating func command(_ line: String, expecting code: Int, or other: Int? = nil, shownAs: String? = nil)
        async throws -> SMTPReply
    {
        try await write(line + "\r\n")
        return try await expect(code, or: other, after: shownAs ?? line)
    }
}
