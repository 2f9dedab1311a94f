// Guards in the COPY SELECT list that make PostgreSQL reject values StarRocks cannot hold.
import Pg2srSupport

/// Builds SELECT-list guards that make PostgreSQL itself fail the COPY, naming table, column
/// and value, when a value cannot be held exactly by its StarRocks column.
///
/// PostgreSQL has no "raise" expression, so a guard casts a message to `int`: the server's
/// error is then `invalid input syntax for type integer: "pg2sr-reject: ..."`, which aborts
/// the COPY; the worker aborts the Stream Load with it, so nothing of the chunk is loaded.
public struct ValueGuard {
    /// Starts the message of every value PostgreSQL rejects on pg2sr's behalf.
    public static let marker = "pg2sr-reject: "
    let table: TableName
    let column: String

    /// One condition under which the value is rejected; `value` renders the offending value
    /// (keep it short: it ends up in a one-line error message).
    struct Reject: Sendable {
        var condition: String
        var reason: String
        var value: String
        /// A more precise reason, used when this also holds. Tested only for rejected values,
        /// so one cheap `condition` can cover several causes on the common path.
        var specific: (condition: String, reason: String)? = nil
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
            var reason = message(reject.reason)
            if let specific = reject.specific {
                reason = "CASE WHEN \(specific.condition) THEN \(message(specific.reason)) ELSE \(reason) END"
            }
            text += " WHEN \(reject.condition) THEN (\(reason) || \(reject.value))::int::text"
        }
        return text + " ELSE (\(expression))::text END"
    }

    private func message(_ reason: String) -> String {
        PostgresSQL.quoteLiteral("\(Self.marker)\(table).\(column): \(reason): ")
    }

    /// Dates and timestamps: StarRocks holds 0000-01-01 .. 9999-12-31 and no infinities.
    /// BC dates are rejected too (PostgreSQL's year 1 BC is ISO year 0: no honest mapping).
    /// `value` is of `type` (`date`, `timestamp` or `timestamptz`); a timestamptz is checked
    /// as the instant, which is the range of its UTC rendering. One range test per value:
    /// ±infinity fall outside it and are told apart only once rejected (with
    /// `--infinity-as-null` they are NULL and pass).
    static func temporalRejects(_ value: String, type: String, policy: ValuePolicy) -> [Reject] {
        let zone = type == "timestamptz" ? " 00:00:00+00" : ""
        let range = "\(value) < '0001-01-01\(zone)'::\(type) OR \(value) >= '10000-01-01\(zone)'::\(type)"
        if policy.infinityAsNull {
            // Infinities load as NULL (array elements too, where this guard sees them).
            return [Reject(condition: "isfinite(\(value)) AND (\(range))", reason: "outside StarRocks' range 0001-01-01..9999-12-31", value: "\(value)::text")]
        }
        var reject = Reject(condition: range, reason: "outside StarRocks' range 0001-01-01..9999-12-31", value: "\(value)::text")
        reject.specific = (condition: "NOT isfinite(\(value))", reason: "infinite value has no StarRocks form (use --infinity-as-null)")
        return [reject]
    }
}
