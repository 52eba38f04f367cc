@testable import Postgres
import TestSupport
import TidtamStore
import XCTest

/// Every constraint and unique index of the schema is either mapped to the field it guards
/// (`DatabaseFailure.constraintFields`, so a refusal names the field a client can fix) or left
/// out on purpose (`DatabaseFailure.unnamedConstraints`, each with the reason): a constraint
/// added or renamed without a decision fails here instead of dropping its field from a 409.
final class ConstraintMapTests: XCTestCase {
    func testEveryConstraintIsMappedOrDeliberatelyUnmapped() throws {
        let testDB = try TestDatabase.create()
        defer { testDB.drop() }
        let owner = try testDB.ownerConnection()
        let names = try owner.query(
            """
            SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c', 'x')
            UNION
            SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE n.nspname = 'public' AND x.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY 1
            """
        ).rows.map { try $0.decode("name", as: String.self) }
        XCTAssertGreaterThan(names.count, 40, "the catalog's constraints were read")
        let mapped = Set(DatabaseFailure.constraintFields.keys)
        let decided = mapped.union(DatabaseFailure.unnamedConstraints.keys)
        let undecided = names.filter { !decided.contains($0) && !DatabaseFailure.isUnnamedByRule($0) }
        XCTAssertEqual(
            undecided, [],
            "map each to its field in DatabaseFailure.constraintFields, or say in unnamedConstraints why it has none")
        // And nothing is mapped that the schema does not have (a rename leaves the old name behind).
        // Names that triggers raise (RAISE … CONSTRAINT = 'name') are in a function's text instead.
        let raised = try owner.query(
            "SELECT string_agg(prosrc, ' ') AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
        ).first!.decode("src", as: String.self)
        let missing = decided.subtracting(names).filter { !raised.contains("CONSTRAINT = '\($0)'") }
        XCTAssertEqual(missing.sorted(), [], "no longer in the schema")
    }
}
