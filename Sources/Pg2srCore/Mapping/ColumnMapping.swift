/// How one PostgreSQL column lands in StarRocks. The same mapping drives the DDL, the
/// snapshot's COPY SELECT list and (for CDC) the Routine Load column expressions, so both
/// paths produce identical values.
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
    /// stands for it); nil = the field loads as is. See `TypeMapping.nullLiteralSafe`.
    public var loadExpression: String? = nil
    /// StarRocks expression turning the Debezium JSON value (`{}` stands for it) into the
    /// column's value, when it cannot be loaded as is (e.g. `parse_json({})` for jsonb, which
    /// Debezium sends as a string). nil = the value loads as is.
    public var cdcExpression: String? = nil
}

/// What the user decided for values StarRocks cannot hold.
public struct ValuePolicy: Sendable, Codable {
    /// Map ±infinity dates/timestamps to NULL instead of failing the load.
    public var infinityAsNull = false
    public init() {}
}

/// The target's capabilities that change the mapping.
public struct TargetCapabilities: Sendable, Codable {
    /// DECIMAL256 (precision up to 76) exists from StarRocks 4.0.
    public var maxDecimalPrecision = 38
    /// VARCHAR length limit in bytes (1048576 in 2.1–4.1).
    public var maxVarcharBytes = 1_048_576
    public init() {}
}
