// How one PostgreSQL column lands in StarRocks: the mapping every path shares.
import PostgresBinary

/// How one PostgreSQL column lands in StarRocks. The same mapping drives the DDL, the
/// snapshot's COPY SELECT list, (for CDC) the Routine Load column expressions and `pg2sr
/// verify`, so every path produces and checks identical values.
public struct ColumnMapping: Codable, Sendable, Equatable {
    public var sourceName: String
    public var targetName: String
    /// StarRocks column type, e.g. `DECIMAL(12,2)`, `VARCHAR(80)`, `ARRAY<INT>`.
    public var starRocksType: String
    public var nullable: Bool
    /// 1-based position in the key, 0 for non-key columns.
    public var keyPosition: Int
    /// SQL over the source column that PostgreSQL evaluates inside COPY to render the value
    /// exactly as StarRocks parses it (and to reject values StarRocks cannot hold).
    public var selectExpression: String
    /// The PostgreSQL type it came from, for messages and DDL comments.
    public var sourceType: String
    /// StarRocks expression the Stream Load `columns` header applies to the CSV field (`{}`
    /// stands for it); nil = the field loads as is. See `TypeMapping.nullLiteralSafe`,
    /// `TypeMapping.jsonValue`, `TypeMapping.binaryValue`.
    public var loadExpression: String? = nil
    /// How Debezium's value becomes this column through Routine Load, or why it cannot
    /// (`TypeMapping.cdc`). nil in run records of older pg2sr versions.
    public var cdc: CDCRendering? = nil
    /// SQL over the source column giving the value StarRocks must hold, as text in a form
    /// `CanonicalValue` reads for `starRocksType` — the select expression without its guards
    /// and without the `\N` transport encoding. Values the target cannot hold render to text
    /// that never canonicalizes equal to a target value. nil = the same as `selectExpression`
    /// (kept out of the run record when it adds nothing).
    public var verifyExpression: String? = nil

    /// An expression `selectExpression` reads more than once (a JSON document's text, an
    /// array's JSON): the COPY SELECT computes it once per row, in
    /// `CROSS JOIN LATERAL (SELECT <expression> OFFSET 0) AS <alias>(<alias>)`, and
    /// `selectExpression` reads it as `<alias>.<alias>` (`OFFSET 0` keeps the planner from
    /// inlining it back into every use). nil = the select expression is self-contained.
    public var renderedOnce: RenderedOnce? = nil

    public struct RenderedOnce: Codable, Sendable, Equatable {
        /// `pg2sr_l<position>`, also the name of its one column.
        public var alias: String
        public var expression: String
    }

    /// How a binary COPY carries the column for PostgresBinary to decode, check and render into the
    /// same text as `selectExpression` (`.rendered`: the COPY selects `selectExpression` as text).
    /// nil in run records written before it existed: treat as `.rendered`.
    public var binaryEncoding: ColumnEncoding? = nil

    /// What `pg2sr verify` evaluates in PostgreSQL for this column.
    public var verifyRendering: String { verifyExpression ?? selectExpression }

    /// The load expression can give NULL for a field that is not NULL (a decoding a release
    /// could refuse: bytea, JSON), so the load's guard checks it; the `\N` decoding of text
    /// cannot.
    public var loadExpressionMayFail: Bool {
        loadExpression != nil && !starRocksType.hasPrefix("VARCHAR")
    }
}
