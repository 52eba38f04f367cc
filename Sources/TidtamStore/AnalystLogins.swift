import Foundation
import Postgres
import TidtamDomain

/// Analysts' SQL logins (`tidtam admin analyst`): a login bound to one district by its name
/// (`tidtam_analyst_d<district>[_<label>]`, which the policies read and the login cannot change),
/// or a national analyst's (`tidtam_analyst_national_<label>`, every district, read-only). Each
/// gets a generated password shown once, a statement timeout, a connection limit, read-only
/// transactions and the `analytics` schema as its search path; it can reach the views only.
/// Made and revoked as the schema owner, which needs CREATEROLE (and pg_signal_backend to end
/// a revoked login's sessions).
public struct AnalystLogins {
    let owner: Connection
    public init(owner: Connection) { self.owner = owner }

    public struct Made: Sendable {
        public var name: String
        public var password: String
    }

    public struct Login: Sendable {
        public var name: String
        public var districtID: Int64?
        public var connectionLimit: Int
        public var settings: [String]
        public var note: String?
    }

    public enum Failure: Error, CustomStringConvertible {
        case badLabel(String)
        case notAnalyst(String)
        case noSuchDistrict(Int64)
        public var description: String {
            switch self {
            case .badLabel(let label): "a label is 1 to 20 of a-z and 0-9, not \(label)"
            case .notAnalyst(let name): "\(name) is not an analyst's login"
            case .noSuchDistrict(let id): "no district \(id)"
            }
        }
    }

    static let analystName = #"^tidtam_analyst_(d[0-9]{1,18}(_[a-z0-9]{1,20})?|national_[a-z0-9]{1,20})$"#

    /// A login for `district` (nil: a national analyst).
    public func create(
        district: Int64?, label: String?, statementTimeout: String = "30s", connectionLimit: Int = 3, note: String?
    ) throws -> Made {
        if let label, label.range(of: "^[a-z0-9]{1,20}$", options: .regularExpression) == nil {
            throw Failure.badLabel(label)
        }
        let name: String
        let group: String
        if let district {
            try owner.execute(script: "SELECT set_config('tidtam.role', 'national', false)")
            guard try owner.query("SELECT 1 FROM district WHERE id = \(district)").rowCount == 1 else {
                throw Failure.noSuchDistrict(district)
            }
            name = "tidtam_analyst_d\(district)" + (label.map { "_\($0)" } ?? "")
            group = "tidtam_analyst"
        } else {
            guard let label else { throw Failure.badLabel("(none: a national analyst's login needs --label)") }
            name = "tidtam_analyst_national_\(label)"
            group = "tidtam_national_analyst"
        }
        guard statementTimeout.range(of: #"^[0-9]{1,6}(ms|s|min)$"#, options: .regularExpression) != nil else {
            throw Failure.badLabel(statementTimeout)
        }
        let password = Self.password()
        // Utility statements take no parameters: the name, password and timeout are checked
        // above to hold nothing but letters and digits.
        try owner.execute(
            script: """
                CREATE ROLE \(name) LOGIN PASSWORD '\(password)' CONNECTION LIMIT \(max(1, connectionLimit)) IN ROLE \(group);
                ALTER ROLE \(name) SET statement_timeout = '\(statementTimeout)';
                ALTER ROLE \(name) SET default_transaction_read_only = on;
                ALTER ROLE \(name) SET search_path = analytics;
                """)
        let comment = (note ?? "") + " (made \(ISO8601DateFormatter().string(from: Date())))"
        try owner.execute(script: "COMMENT ON ROLE \(name) IS '\(comment.replacingOccurrences(of: "'", with: "''"))'")
        return Made(name: name, password: password)
    }

    public func list() throws -> [Login] {
        try owner.query(
            """
            SELECT r.rolname, substring(r.rolname FROM '^tidtam_analyst_d([0-9]{1,18})')::bigint AS district_id,
                   r.rolconnlimit, coalesce(s.setconfig, '{}') AS settings, shobj_description(r.oid, 'pg_authid') AS note
            FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
            WHERE r.rolcanlogin AND r.rolname ~ \(Self.analystName)
            ORDER BY r.rolname
            """
        ).rows.map {
            Login(
                name: try $0.decode("rolname"), districtID: try $0.decode("district_id"),
                connectionLimit: try $0.decode("rolconnlimit"), settings: try $0.decode("settings"),
                note: try $0.decode("note"))
        }
    }

    /// Ends the login: it cannot connect again, its sessions are ended — here and on each
    /// replica analysts connect to (`replicas`, connections as the owner: a replica's sessions
    /// are its own) —, and the role is dropped. Returns how many sessions were ended.
    @discardableResult
    public func revoke(_ name: String, replicas: [Connection] = []) throws -> Int {
        guard name.range(of: Self.analystName, options: .regularExpression) != nil else {
            throw Failure.notAnalyst(name)
        }
        try owner.execute(script: "ALTER ROLE \(name) NOLOGIN")
        var ended = 0
        for connection in [owner] + replicas {
            ended += try connection.query(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE usename = \(name)"
            ).first!.decode("n", as: Int.self)
        }
        try owner.execute(script: "DROP ROLE \(name)")
        return ended
    }

    static func password() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<28).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
