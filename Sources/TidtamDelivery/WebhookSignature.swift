import CCrypto
import Foundation

/// Standard Webhooks 1.0 signatures: `v1,` and the base64 of HMAC-SHA256 over
/// `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret's bytes (the base64 after
/// `whsec_`). Several secrets (a rotation's overlap) give several signatures, space-separated.
public enum WebhookSignature {
    public static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) else {
            return nil
        }
        return [UInt8](data)
    }

    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// The `webhook-signature` header's value for `secrets` (those that do not parse are skipped).
    public static func header(id: String, timestamp: Int, body: [UInt8], secrets: [String]) -> String {
        let signed = Array("\(id).\(timestamp).".utf8) + body
        return secrets.compactMap(key(of:)).map {
            "v1," + Data(hmacSHA256(key: $0, message: signed)).base64EncodedString()
        }
        .joined(separator: " ")
    }
}
