// The SQL of sql/ (embedded at build time) and its placeholders, filled with quoting.

/// A statement from the package's `sql/` folder (embedded at build time), filled in with quoting.
///
/// `{{name}}` placeholders are filled by `render`: every placeholder must get a value and every
/// value must have a placeholder. Names and values are quoted in the statement's dialect (the
/// folder it lives in: `postgres/` or `starrocks/`); only `.sql` inserts text as it is — SQL
/// pg2sr built itself (the mapping's expressions, chunk predicates) or a user's `--where`.
/// Values from users go through bind parameters (`$1`) where the server allows them.
public struct SQLTemplate: Sendable {
    public enum Dialect: Sendable { case postgres, starRocks }

    /// The path below `sql/` without `.sql`, e.g. `postgres/list_tables`.
    public let name: String
    public let dialect: Dialect
    /// The statement without the file's leading comment block.
    let text: String

    public init(_ name: String) {
        guard let file = EmbeddedSQL.files[name] else { preconditionFailure("sql/\(name).sql is not embedded") }
        self.init(name: name, file: file)
    }

    init(name: String, file: String) {
        self.name = name
        dialect = name.hasPrefix("starrocks/") ? .starRocks : .postgres
        text = Self.droppingLeadingComments(file)
    }

    /// The statement, for one without placeholders.
    public var sql: String { render([:]) }

    /// The statement with its placeholders filled in.
    public func render(_ values: [String: SQLValue]) -> String {
        var out = ""
        var rest = Substring(text)
        var used: Set<String> = []
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let key = String(rest[open.upperBound..<close.lowerBound])
            guard let value = values[key] else { preconditionFailure("sql/\(name).sql: no value for {{\(key)}}") }
            out += rest[..<open.lowerBound]
            out += value.text(in: dialect)
            used.insert(key)
            rest = rest[close.upperBound...]
        }
        out += rest
        let unused = Set(values.keys).subtracting(used)
        precondition(unused.isEmpty, "sql/\(name).sql has no placeholder for \(unused.sorted())")
        return out
    }

    /// The statement starts after the `--` lines that describe the file.
    static func droppingLeadingComments(_ file: String) -> String {
        var lines = file.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).hasPrefix("--") || first.allSatisfy(\.isWhitespace) {
            lines = lines.dropFirst()
        }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines = lines.dropLast() }
        return lines.joined(separator: "\n")
    }
}

/// What fills a `{{placeholder}}` of an `SQLTemplate`.
public enum SQLValue: Sendable {
    /// A name, quoted: `"name"` (PostgreSQL) or `` `name` `` (StarRocks).
    case identifier(String)
    /// A qualified name, each part quoted: `"schema"."table"`.
    case qualified([String])
    /// Names, quoted and separated by `, `.
    case identifiers([[String]])
    /// A string literal, quoted and escaped for the dialect.
    case literal(String)
    case integer(Int)
    /// A name pg2sr generated and checked (`^[A-Za-z_][A-Za-z0-9_]*$`), inserted as is.
    case word(String)
    /// SQL text pg2sr built itself (expressions, predicates, clauses), or a user's `--where`
    /// predicate, which is SQL by design. Never a name or a value.
    case sql(String)

    func text(in dialect: SQLTemplate.Dialect) -> String {
        func quote(_ name: String) -> String {
            dialect == .postgres ? PostgresSQL.quoteIdentifier(name) : StarRocksSQL.quoteIdentifier(name)
        }
        switch self {
        case .identifier(let name): return quote(name)
        case .qualified(let parts): return parts.map(quote).joined(separator: ".")
        case .identifiers(let names): return names.map { $0.map(quote).joined(separator: ".") }.joined(separator: ", ")
        case .literal(let value): return dialect == .postgres ? PostgresSQL.quoteLiteral(value) : StarRocksSQL.quoteString(value)
        case .integer(let value): return String(value)
        case .word(let word):
            let valid = !word.isEmpty && !(word.first!.isNumber)
                && word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            precondition(valid, "'\(word)' is not a plain SQL word")
            return word
        case .sql(let text): return text
        }
    }
}
