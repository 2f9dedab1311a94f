// How a column travels through Debezium and Routine Load: the mapping's CDC half.

/// How a column travels PostgreSQL → Debezium → Kafka → Routine Load (docs/cdc-fidelity.md): Debezium's
/// JSON value is loaded as it is (strict mode checks the conversion) or through a temporary column and
/// a StarRocks expression; `checks` make a value the snapshot would not load stop the job; `refusal`
/// says why the column cannot be streamed at all.
public struct CDCRendering: Codable, Sendable, Equatable {
    /// Why Debezium cannot carry the column exactly (`routine-load` refuses it); nil when it can.
    public var refusal: String?
    /// StarRocks expression over `{}` — Debezium's value as text, in a temporary column — giving the
    /// column's value; nil = loaded as it is.
    public var expression: String?
    /// StarRocks conditions over `{}` that an upsert's non-NULL value must meet.
    public var checks: [String]
    /// StarRocks condition over `{}` under which the expression's NULL is intended (`--infinity-as-null`).
    public var nullWhen: String?

    public init(expression: String? = nil, checks: [String] = [], nullWhen: String? = nil, refusal: String? = nil) {
        self.expression = expression
        self.checks = checks
        self.nullWhen = nullWhen
        self.refusal = refusal
    }

    static func refused(_ reason: String) -> CDCRendering { CDCRendering(refusal: reason) }
}
