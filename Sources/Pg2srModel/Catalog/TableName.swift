// A schema-qualified PostgreSQL table name: parsing, display and SQL forms.
import Foundation
import Pg2srSupport

/// A schema-qualified PostgreSQL table name, exactly as stored in the catalog.
public struct TableName: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let schema: String
    public let name: String

    public init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }

    /// Parses PostgreSQL identifier syntax: `public.orders`, `"Billing"."Invoice Items"`,
    /// `orders` (schema `public`). Unquoted parts fold to lower case, as PostgreSQL does.
    public init(parsing text: String) throws {
        let parts = try Self.splitIdentifiers(text)
        switch parts.count {
        case 1: self.init(schema: "public", name: parts[0])
        case 2: self.init(schema: parts[0], name: parts[1])
        default: throw Pg2srError.usage("'\(text)' is not a table name (expected schema.table)")
        }
    }

    /// `schema.table`, quoting only the parts that need it; what users see and what
    /// `--include`/`--exclude` match against is `schema.table` unquoted (`qualifiedPlain`).
    public var description: String { "\(Self.displayQuoted(schema)).\(Self.displayQuoted(name))" }
    /// `schema.table` without any quoting.
    public var qualifiedPlain: String { "\(schema).\(name)" }
    /// The name as a PostgreSQL SQL identifier: `"schema"."table"`.
    public var sqlIdentifier: String { "\(PostgresSQL.quoteIdentifier(schema)).\(PostgresSQL.quoteIdentifier(name))" }

    public static func < (lhs: TableName, rhs: TableName) -> Bool {
        (lhs.schema, lhs.name) < (rhs.schema, rhs.name)
    }

    private static func displayQuoted(_ part: String) -> String {
        let plain = part.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" }
        return plain && !part.isEmpty && !(part.first!.isNumber) ? part : PostgresSQL.quoteIdentifier(part)
    }

    /// Splits `a.b`, `"a.b"."c"`, `"x""y"` into parts, folding unquoted ones to lower case.
    public static func splitIdentifiers(_ text: String) throws -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var iterator = Array(text.trimmingCharacters(in: .whitespaces)).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { current.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
                wasQuoted = true
            } else if c == "." {
                guard !current.isEmpty else { throw Pg2srError.usage("'\(text)' has an empty name part") }
                parts.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(contentsOf: wasQuoted ? String(c) : c.lowercased())
            }
        }
        guard !quoted else { throw Pg2srError.usage("'\(text)' has an unterminated quoted identifier") }
        guard !current.isEmpty else { throw Pg2srError.usage("'\(text)' has an empty name part") }
        parts.append(current)
        return parts
    }
}
