/// Builds SELECT-list guards that make PostgreSQL itself fail the COPY, naming table, column
/// and value, when a value cannot be held exactly by its StarRocks column.
///
/// PostgreSQL has no "raise" expression, so a guard casts a message to `int`: the server's
/// error is then `invalid input syntax for type integer: "pg2sr-reject: ..."`, which aborts
/// the COPY; the worker aborts the Stream Load with it, so nothing of the chunk is loaded.
struct ValueGuard {
    static let marker = "pg2sr-reject: "
    let table: TableName
    let column: String

    /// One condition under which the value is rejected; `value` renders the offending value
    /// (keep it short: it ends up in a one-line error message).
    struct Reject: Sendable {
        var condition: String
        var reason: String
        var value: String
    }

    func reject(when condition: String, reason: String, value: String, else expression: String) -> String {
        guarded(expression, [Reject(condition: condition, reason: reason, value: value)])
    }

    /// `expression` as text, behind the rejects (tested in order) and an optional
    /// `CASE WHEN nullWhen THEN NULL` that comes first (a user's policy, e.g. ±infinity → NULL).
    func guarded(_ expression: String, _ rejects: [Reject], nullWhen: String? = nil) -> String {
        if rejects.isEmpty && nullWhen == nil { return expression }
        var text = "CASE"
        if let nullWhen { text += " WHEN \(nullWhen) THEN NULL" }
        for reject in rejects {
            text += " WHEN \(reject.condition) THEN (\(message(reject.reason)) || \(reject.value))::int::text"
        }
        return text + " ELSE (\(expression))::text END"
    }

    private func message(_ reason: String) -> String {
        PostgresSQL.quoteLiteral("\(Self.marker)\(table).\(column): \(reason): ")
    }

    /// Dates and timestamps: StarRocks holds 0000-01-01 .. 9999-12-31 and no infinities.
    /// BC dates are rejected too (PostgreSQL's year 1 BC is ISO year 0: no honest mapping).
    /// `rendered` is the value as StarRocks gets it (UTC for timestamptz); the range is
    /// checked on it.
    static func temporalRejects(_ column: String, rendered: String, literalType: String, policy: ValuePolicy) -> [Reject] {
        var rejects: [Reject] = []
        if !policy.infinityAsNull {
            rejects.append(Reject(condition: "NOT isfinite(\(column))", reason: "infinite value has no StarRocks form (use --infinity-as-null)",
                                  value: "\(column)::text"))
        }
        rejects.append(Reject(condition: "isfinite(\(column)) AND (\(rendered) < '0001-01-01'::\(literalType) OR \(rendered) >= '10000-01-01'::\(literalType))",
                              reason: "outside StarRocks' range 0001-01-01..9999-12-31", value: "\(column)::text"))
        return rejects
    }
}
