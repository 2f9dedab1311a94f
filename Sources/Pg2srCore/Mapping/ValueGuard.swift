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

    func reject(when condition: String, reason: String, value: String, else expression: String) -> String {
        let prefix = PostgresSQL.quoteLiteral("\(Self.marker)\(table).\(column): \(reason): ")
        return "CASE WHEN \(condition) THEN (\(prefix) || \(value))::int::text ELSE (\(expression))::text END"
    }

    /// Dates and timestamps: StarRocks holds 0000-01-01 .. 9999-12-31 and no infinities.
    /// BC dates are rejected too (PostgreSQL's year 1 BC is ISO year 0: no honest mapping).
    func temporal(_ column: String, rendered: String, policy: ValuePolicy) -> String {
        let outOfRange = "\(column) < '0001-01-01' OR \(column) >= '10000-01-01'"
        let ranged = reject(when: "isfinite(\(column)) AND (\(outOfRange))", reason: "outside StarRocks' range 0001-01-01..9999-12-31",
                            value: "\(column)::text", else: rendered)
        if policy.infinityAsNull {
            return "CASE WHEN NOT isfinite(\(column)) THEN NULL ELSE \(ranged) END"
        }
        return reject(when: "NOT isfinite(\(column))", reason: "infinite value has no StarRocks form (use --infinity-as-null)",
                      value: "\(column)::text", else: ranged)
    }
}
