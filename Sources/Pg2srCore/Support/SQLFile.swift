import Foundation

/// The SQL pg2sr runs, from the package's `sql/` folder (embedded at build time).
enum SQLFile {
    /// `name` is the path below `sql/` without `.sql`, e.g. `postgres/list_tables`.
    static func text(_ name: String) -> String {
        guard let text = EmbeddedSQL.files[name] else { preconditionFailure("sql/\(name).sql is not embedded") }
        return text
    }

    /// The text with `{{key}}` placeholders replaced (for identifiers and literals pg2sr
    /// quoted itself; values from users go through bind parameters where the server allows).
    static func text(_ name: String, substituting values: [String: String]) -> String {
        var text = text(name)
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }
}

