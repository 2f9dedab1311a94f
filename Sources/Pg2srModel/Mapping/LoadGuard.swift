// The check a load's column list carries so that an expression's NULL fails the row instead of loading.

/// pg2sr's guard in a load's column list. StarRocks applies strict mode only to columns loaded as
/// they are, so a COLUMNS expression that turns a value into NULL would load the NULL silently; the
/// guard collects what must hold for a row and NULLs a NOT NULL column (a key) when it does not.
/// `OlapTableSink` rejects a NULL in a NOT NULL column on every release, delete rows included, so the
/// row fails and the load (or the Routine Load job) stops (docs/cdc-fidelity.md §3).
public struct LoadGuard {
    public private(set) var conditions: [String] = []

    public init() {}

    public var isEmpty: Bool { conditions.isEmpty }

    /// `value` (an expression over `field`) must not be NULL, cast to `type`, when `field` is not
    /// NULL — unless `nullWhen` (over `field`) says the NULL is intended.
    public mutating func requireValue(_ value: String, of field: String, type: String, nullWhen: String? = nil) {
        let intended = nullWhen.map { " OR \($0)" } ?? ""
        conditions.append("(\(field) IS NULL\(intended) OR CAST(\(value) AS \(type)) IS NOT NULL)")
    }

    /// Each of `checks` (over `{}`) must hold for `field` when it is not NULL.
    public mutating func require(_ checks: [String], on field: String) {
        guard !checks.isEmpty else { return }
        let all = checks.map { "(\($0.replacingOccurrences(of: "{}", with: field)))" }.joined(separator: " AND ")
        conditions.append("(\(field) IS NULL OR (\(all)))")
    }

    /// The guarded form of `value`, the expression of a NOT NULL column: NULL when a condition
    /// fails, except in rows where `exempt` holds (deletes, which need only their key).
    public func guarding(_ value: String, exempt: String? = nil) -> String {
        guard !conditions.isEmpty else { return value }
        let pass = ((exempt.map { [$0] } ?? []) + ["(" + conditions.joined(separator: " AND ") + ")"]).joined(separator: " OR ")
        return "if(\(pass), \(value), NULL)"
    }

    /// A value of `type` for a NOT NULL column in a row whose values do not matter (a delete):
    /// Debezium's fallback text for it (`""` for a jsonb) may not convert.
    public static func filler(for type: String) -> String {
        switch type.prefix(while: { $0.isLetter }) {
        case "VARCHAR", "CHAR", "STRING": "''"
        case "DATE": "'1970-01-01'"
        case "DATETIME": "'1970-01-01 00:00:00'"
        case "JSON": "parse_json('null')"
        case "VARBINARY": "to_binary('', 'utf8')"
        case "ARRAY": "[]"
        default: "0"
        }
    }
}
