// PostgreSQL type → StarRocks type + the SELECT expression that renders it: the entry point.
import Pg2srSupport

/// PostgreSQL type → StarRocks type + the SELECT expression that renders it.
///
/// Every value crosses as the text PostgreSQL's COPY writes for the expression, in CSV; the
/// sessions run with TimeZone=UTC, DateStyle=ISO, IntervalStyle=postgres and
/// extra_float_digits=1 (shortest exact). Values StarRocks cannot hold exactly make PostgreSQL
/// raise an error inside the COPY (see `ValueGuard`), so such a chunk fails loudly instead of
/// loading a rounded, truncated or NULLed value.
///
/// Decisions:
/// * integers → SMALLINT/INT/BIGINT (oid → BIGINT); real/double → FLOAT/DOUBLE, NaN and
///   ±Infinity included (StarRocks parses `NaN`/`Infinity`).
/// * numeric(p,s) → DECIMAL(p,s) while p fits the target (38, or 76 with DECIMAL256); a
///   negative scale or a scale above the precision (PostgreSQL 15) widens to the DECIMAL that
///   holds every value; wider → VARCHAR with the exact text. NaN fails the load. Unconstrained
///   numeric → DECIMAL(38,10): a value with more than 10 fraction digits (not counting trailing
///   zeros) or 28 integer digits fails the load; `--cast col=varchar` / `=decimal(p,s)` choose
///   otherwise. money → DECIMAL(19,2) (exact for 2-digit lc_monetary; otherwise fails).
/// * char(n)/varchar(n) → VARCHAR(4n) (StarRocks counts bytes, UTF-8 needs up to 4 per
///   character); char(n) keeps its padding, as Debezium sends it. text/citext/name and
///   varchar beyond the limit → VARCHAR(limit) with a byte-length check.
/// * bytea → VARBINARY: hex in CSV into a temporary column and `to_binary(…, 'hex')` (the CSV
///   VARBINARY reader is hex or base64 depending on the release); uuid → VARCHAR(36);
///   json/jsonb/hstore/composites and multi-dimensional arrays → JSON, parsed as `[text]` and
///   taken back out (`TypeMapping.jsonValue`: a bare scalar would otherwise become a JSON string);
///   numbers a StarRocks JSON value cannot hold exactly — beyond 64-bit integers and doubles —
///   fail the load.
/// * date/timestamp → DATE/DATETIME (µs); timestamptz → DATETIME in UTC.
/// * time/timetz/interval → VARCHAR in Debezium's string forms (`time.precision.mode=isostring`,
///   `interval.handling.mode=string`), so snapshot and CDC rows are identical:
///   time `13:45:30.5Z`; timetz converted to UTC `11:45:30.5Z`; interval
///   `P1Y2M3DT4H5M6.789S` with Debezium's seconds (a double truncated to 9 decimals); 24:00:00
///   as `00:00:00Z`, as Debezium sends it. Intervals assume the server's IntervalStyle is
///   `postgres` or `iso_8601` (pgjdbc parses pgoutput's text). How each type travels through
///   Debezium, and which cannot: `TypeMapping.cdc`, docs/cdc-fidelity.md.
/// * enum, inet/cidr, macaddr, bit/varbit → VARCHAR of their text.
/// * one-dimensional arrays of the scalar types above → ARRAY<T> (elements rendered like the
///   scalars); elements StarRocks' CSV array reader cannot take (quotes, backslashes, control
///   characters in strings), multi-dimensional values and non-default lower bounds fail the
///   load. Other element types → JSON.
/// * domains → their base type. Anything else: a usage error naming table and column, with
///   the `--cast` to use.
public enum TypeMapping {
    /// `castOverride` is the target type the user forced with `--cast` (e.g. `varchar`).
    /// `position` (1-based, unique in the table) names the column's `RenderedOnce` subquery.
    public static func map(_ column: SourceColumn, of table: TableName, position: Int = 1, castOverride: String? = nil,
                           policy: ValuePolicy = ValuePolicy(), target: TargetCapabilities = TargetCapabilities()) throws -> ColumnMapping {
        try checkTargetName(column.name, table: table)
        let c = PostgresSQL.quoteIdentifier(column.name)
        let guardFor = ValueGuard(table: table, column: column.name)
        let slot = OnceSlot(alias: "pg2sr_l\(position)")
        var rendering: Rendering
        if let castOverride {
            rendering = try castRendering(castOverride, column: column, c, slot: slot, table: table, target: target, policy: policy)
        } else {
            rendering = try naturalRendering(column, c, slot: slot, table: table, target: target, policy: policy)
        }
        var mapping = ColumnMapping(sourceName: column.name, targetName: column.name, starRocksType: rendering.type,
                                    nullable: !column.notNull && column.primaryKeyPosition == 0,
                                    keyPosition: column.primaryKeyPosition, selectExpression: "",
                                    sourceType: column.declaredType)
        let transported = rendering.transportSafe ? nullLiteralSafe(rendering.value, &mapping) : rendering.value
        mapping.selectExpression = guardFor.guarded(transported, rendering.rejects, nullWhen: rendering.nullWhen)
        if let once = rendering.once {
            // The value reads the slot; `pg2sr verify` runs its own SELECT, without the join.
            mapping.renderedOnce = ColumnMapping.RenderedOnce(alias: slot.alias, expression: once)
            rendering.value = once
        }
        let verify = rendering.nullWhen.map { "CASE WHEN \($0) THEN NULL ELSE (\(rendering.value))::text END" } ?? rendering.value
        mapping.verifyExpression = verify == mapping.selectExpression ? nil : verify
        if rendering.type == "JSON" || rendering.type.hasPrefix("VARBINARY") {
            // The CSV field is the same text Debezium sends; one expression reads both.
            mapping.loadExpression = rendering.type == "JSON" ? jsonValue : binaryValue
        }
        mapping.cdc = cdc(column, mapping: mapping, castOverride: castOverride, policy: policy)
        mapping.binaryEncoding = castOverride == nil ? binaryEncoding(column, rendering, target: target, policy: policy) : .rendered
        if rendering.nullWhen != nil && mapping.keyPosition == 0 { mapping.nullable = true }
        if mapping.keyPosition > 0 { try checkKeyType(mapping, table: table) }
        return mapping
    }

    /// How one column is rendered: the StarRocks type, the PostgreSQL expression whose text is
    /// the value, and the guards around it.
    struct Rendering {
        var type: String
        /// PostgreSQL expression whose text output is the value as StarRocks parses it.
        var value: String
        var rejects: [ValueGuard.Reject] = []
        /// Text that may be exactly `\N`: travels through `nullLiteralSafe`.
        var transportSafe = false
        /// A user policy renders NULL when this holds (e.g. `NOT isfinite(col)`).
        var nullWhen: String? = nil
        /// The expression `value` stands for when it is a `OnceSlot`'s reference.
        var once: String? = nil

        /// A rendering whose value (a JSON document's text, say) its guards read too: with a
        /// slot, PostgreSQL computes it once per row (`ColumnMapping.RenderedOnce`) and value
        /// and guards read the slot; without one (array elements), the expression itself.
        static func readingOnce(_ expression: String, slot: OnceSlot?, type: String,
                                rejects: (_ text: String) -> [ValueGuard.Reject]) -> Rendering {
            let text = slot?.reference ?? expression
            return Rendering(type: type, value: text, rejects: rejects(text), once: slot == nil ? nil : expression)
        }
    }

    /// Where a column's rendering can have an expression computed once per row.
    struct OnceSlot {
        let alias: String
        var reference: String { "\(alias).\(alias)" }
    }
}
