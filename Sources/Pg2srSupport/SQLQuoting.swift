// Quoting of names and string literals in PostgreSQL and StarRocks SQL text.

/// PostgreSQL: `"name"` with `"` doubled, `'literal'` with `'` doubled (standard_conforming_strings).
public enum PostgresSQL {
    public static func quoteIdentifier(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func quoteLiteral(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// StarRocks (MySQL dialect): `` `name` `` with a backtick doubled, `'literal'` with backslash escapes.
public enum StarRocksSQL {
    public static func quoteIdentifier(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }

    public static func quoteString(_ value: String) -> String {
        var out = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    public static func literal(_ value: String?) -> String {
        value.map(quoteString) ?? "NULL"
    }

    /// A `PROPERTIES`/`COLUMNS`-style double-quoted string: `"` and `\` escaped.
    public static func doubleQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
