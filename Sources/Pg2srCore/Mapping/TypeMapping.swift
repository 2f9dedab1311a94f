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
/// * bytea → VARBINARY (hex in CSV); uuid → VARCHAR(36); json/jsonb/hstore/composites and
///   multi-dimensional arrays → JSON (numbers a StarRocks JSON value cannot hold exactly —
///   beyond 64-bit integers and doubles — fail the load).
/// * date/timestamp → DATE/DATETIME (µs); timestamptz → DATETIME in UTC.
/// * time/timetz/interval → VARCHAR in Debezium's string forms (`time.precision.mode=isostring`,
///   `interval.handling.mode=string`), so snapshot and CDC rows are identical:
///   time `13:45:30.5Z`; timetz converted to UTC `11:45:30.5Z`; interval
///   `P1Y2M3DT4H5M6.789S` with Debezium's seconds (a double truncated to 9 decimals). Where
///   Debezium loses information pg2sr keeps the exact value instead (time `24:00:00Z`, which
///   Debezium sends as `00:00:00Z`). Known CDC differences (Debezium 3.6, from its source):
///   timetz `24:00:00+00` stops the connector; intervals assume the server's IntervalStyle is
///   `postgres` or `iso_8601` (pgjdbc parses pgoutput's text); bit(n>1)/varbit arrive as
///   little-endian bytes (base64), which no Routine Load expression turns back into `0101`;
///   composite types are not streamed at all.
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
        mapping.cdcExpression = rendering.cdc
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
        var cdc: String? = nil
        /// A user policy renders NULL when this holds (e.g. `NOT isfinite(col)`).
        var nullWhen: String? = nil
        /// The expression `value` stands for when it is a `OnceSlot`'s reference.
        var once: String? = nil

        /// A rendering whose value (a JSON document's text, say) its guards read too: with a
        /// slot, PostgreSQL computes it once per row (`ColumnMapping.RenderedOnce`) and value
        /// and guards read the slot; without one (array elements), the expression itself.
        static func readingOnce(_ expression: String, slot: OnceSlot?, type: String, cdc: String? = nil,
                                rejects: (_ text: String) -> [ValueGuard.Reject]) -> Rendering {
            let text = slot?.reference ?? expression
            return Rendering(type: type, value: text, rejects: rejects(text), cdc: cdc, once: slot == nil ? nil : expression)
        }
    }

    /// Where a column's rendering can have an expression computed once per row.
    struct OnceSlot {
        let alias: String
        var reference: String { "\(alias).\(alias)" }
    }

    // MARK: - Natural mapping

    static func naturalRendering(_ column: SourceColumn, _ c: String, slot: OnceSlot?, table: TableName, target: TargetCapabilities,
                                 policy: ValuePolicy) throws -> Rendering {
        if column.baseTypeCategory == "A" {
            return array(column, c, slot: slot, target: target, policy: policy)
        }
        if let scalar = scalar(typeName: column.baseTypeName, kind: column.baseTypeKind, typmod: column.typmod, c, slot: slot,
                               target: target, policy: policy) {
            return scalar
        }
        throw Pg2srError.usage("column \(table).\(PostgresSQL.quoteIdentifier(column.name)) has type \(column.declaredType), which pg2sr cannot map; choose one with --cast '\(table.qualifiedPlain).\(column.name)=varchar' (or json)")
    }

    /// A scalar of PostgreSQL type `typeName` (`pg_type.typname` of the base type) held in
    /// the expression `c`; nil = no mapping. Also used for array elements (without a slot).
    static func scalar(typeName: String, kind: String, typmod: Int, _ c: String, slot: OnceSlot? = nil, target: TargetCapabilities,
                       policy: ValuePolicy) -> Rendering? {
        let maxVarchar = target.maxVarcharBytes
        func varchar(_ bytes: Int) -> String { "VARCHAR(\(min(max(bytes, 1), maxVarchar)))" }
        func lengthReject(_ expression: String) -> ValueGuard.Reject {
            ValueGuard.Reject(condition: "octet_length(\(expression)) > \(maxVarchar)",
                              reason: "longer than \(maxVarchar) bytes (StarRocks VARCHAR limit)", value: "left(\(expression), 40)")
        }
        switch typeName {
        case "int2": return Rendering(type: "SMALLINT", value: c)
        case "int4": return Rendering(type: "INT", value: c)
        case "int8", "oid": return Rendering(type: "BIGINT", value: c)
        case "float4": return Rendering(type: "FLOAT", value: c)
        case "float8": return Rendering(type: "DOUBLE", value: c)
        case "bool": return Rendering(type: "BOOLEAN", value: "\(c)::text") // true/false, never t/f
        case "money":
            let n = "\(c)::numeric"
            return Rendering(type: "DECIMAL(19,2)", value: n, rejects: [
                ValueGuard.Reject(condition: "\(n) <> round(\(n), 2) OR abs(\(n)) >= 1e17",
                                  reason: "money value does not fit DECIMAL(19,2) exactly (lc_monetary with other than 2 decimals?)", value: "\(n)::text"),
            ])
        case "numeric":
            return numeric(typmod: typmod, c, target: target)
        case "varchar", "bpchar":
            // typmod = n + VARHDRSZ. char(n) keeps its padding (bpcharout, as COPY and Debezium
            // write it); `::text` would strip it.
            let declared = typmod > 4 ? typmod - 4 : 0
            let text = typeName == "bpchar" ? "textin(bpcharout(\(c)))" : "\(c)::text"
            if declared > 0 && declared * 4 <= maxVarchar {
                return Rendering(type: varchar(declared * 4), value: text, transportSafe: true)
            }
            return Rendering(type: varchar(maxVarchar), value: text, rejects: [lengthReject(text)], transportSafe: true)
        case "text", "citext", "name":
            let text = "\(c)::text"
            return Rendering(type: varchar(maxVarchar), value: text, rejects: [lengthReject(text)], transportSafe: true)
        case "uuid": return Rendering(type: "VARCHAR(36)", value: "\(c)::text")
        case "json", "jsonb":
            // Debezium sends the JSON text as a string.
            return .readingOnce("\(c)::text", slot: slot, type: "JSON", cdc: "parse_json({})") { text in
                jsonRejects(text: text, jsonb: typeName == "jsonb" ? c : "\(c)::jsonb")
            }
        case "hstore":
            // The extension's cast to json (hstore_to_json), found whatever schema holds it.
            return .readingOnce("\(c)::json::text", slot: slot, type: "JSON", cdc: "parse_json({})", rejects: jsonSizeRejects) // hstore.handling.mode=json
        case "bytea":
            return Rendering(type: "VARBINARY(\(maxVarchar))", value: "encode(\(c), 'hex')", rejects: [
                ValueGuard.Reject(condition: "octet_length(\(c)) > \(maxVarchar)", reason: "binary value longer than \(maxVarchar) bytes (StarRocks VARBINARY limit)",
                                  value: "octet_length(\(c))::text || ' bytes'"),
            ], cdc: "to_binary({}, 'hex')") // binary.handling.mode=hex
        case "date":
            return temporal("DATE", c, as: "date", policy: policy)
        case "timestamp":
            return temporal("DATETIME", c, as: "timestamp", policy: policy)
        case "timestamptz":
            // StarRocks DATETIME has no zone: the instant in UTC.
            return temporal("DATETIME", c, as: "timestamptz", rendered: "(\(c) AT TIME ZONE 'UTC')", policy: policy)
        case "time":
            // Debezium isostring: ISO_OFFSET_TIME at UTC, fraction without trailing zeros.
            return Rendering(type: "VARCHAR(32)", value: "\(c)::text || 'Z'")
        case "timetz":
            // Debezium converts to UTC (withOffsetSameInstant) and prints ISO_OFFSET_TIME.
            return Rendering(type: "VARCHAR(32)", value: "(\(c) AT TIME ZONE 'UTC')::time::text || 'Z'")
        case "interval":
            return Rendering(type: "VARCHAR(64)", value: debeziumInterval(c))
        case "inet", "cidr": return Rendering(type: "VARCHAR(64)", value: "\(c)::text")
        case "macaddr", "macaddr8": return Rendering(type: "VARCHAR(32)", value: "\(c)::text")
        case "bit", "varbit":
            // bit(n)/varbit(n): typmod = n bits, one character each.
            if typmod > 0 && typmod <= maxVarchar {
                // Debezium sends bit(1) as a JSON boolean.
                return Rendering(type: varchar(typmod), value: "\(c)::text",
                                 cdc: typmod == 1 && typeName == "bit" ? "if({} = 'true', '1', if({} = 'false', '0', {}))" : nil)
            }
            return Rendering(type: varchar(maxVarchar), value: "\(c)::text", rejects: [
                ValueGuard.Reject(condition: "length(\(c)) > \(maxVarchar)", reason: "bit string longer than \(maxVarchar) bits (StarRocks VARCHAR limit)",
                                  value: "length(\(c))::text || ' bits'"),
            ])
        default:
            switch kind {
            case "e":
                // Labels are at most 63 bytes; one could be exactly `\N`.
                return Rendering(type: "VARCHAR(256)", value: "\(c)::text", transportSafe: true)
            case "c":
                return .readingOnce("to_json(\(c))::text", slot: slot, type: "JSON", cdc: "parse_json({})", rejects: jsonSizeRejects)
            default:
                return nil
            }
        }
    }

    /// A DATE/DATETIME from `value`, a PostgreSQL `pgType` (rendered as `rendered`, default the
    /// value itself): out-of-range values fail the load, ±infinity too unless
    /// `--infinity-as-null` makes them NULL.
    static func temporal(_ type: String, _ value: String, as pgType: String, rendered: String? = nil, policy: ValuePolicy) -> Rendering {
        Rendering(type: type, value: rendered ?? value, rejects: ValueGuard.temporalRejects(value, type: pgType, policy: policy),
                  nullWhen: policy.infinityAsNull ? "NOT isfinite(\(value))" : nil)
    }

    /// StarRocks reads a CSV field that is `\N` as NULL even when it is enclosed in quotes (the
    /// reader strips the quotes before the NULL check), so no CSV spelling of the text value
    /// `\N` exists. Text that consists only of repetitions of `\N` therefore travels with one
    /// more `\N`, and the Stream Load `columns` expression removes it again: an injective
    /// encoding that leaves every other value untouched (and costs one prefix test per value).
    static func nullLiteralSafe(_ expression: String, _ mapping: inout ColumnMapping) -> String {
        let marker = "unhex('5C4E')" // `\N`, spelled without backslash-escaping rules
        mapping.loadExpression = "if(left({}, 2) = \(marker) AND replace({}, \(marker), '') = '', substr({}, 3), {})"
        return "CASE WHEN left(\(expression), 2) = '\\N' AND replace(\(expression), '\\N', '') = '' THEN \(expression) || '\\N' ELSE \(expression) END"
    }

    // MARK: - Numbers

    /// numeric(p,s) and unconstrained numeric. PostgreSQL 15 allows a negative scale
    /// (numeric(5,-2) holds 12300) and a scale above the precision (numeric(2,5) holds 0.00012):
    /// the DECIMAL then has max(p - s, 0) integer digits and max(s, 0) fraction digits.
    static func numeric(typmod: Int, _ c: String, target: TargetCapabilities) -> Rendering {
        // NaN sorts above Infinity: one test covers NaN and ±Infinity, which have no DECIMAL form.
        let special = "\(c) >= 'Infinity'::numeric OR \(c) <= '-Infinity'::numeric"
        let specialReject = ValueGuard.Reject(condition: special, reason: "NaN/Infinity has no DECIMAL form", value: "\(c)::text")
        if typmod >= 4 {
            let (precision, scale) = numericTypmod(typmod)
            let fraction = max(scale, 0)
            let integerDigits = max(precision - scale, 0)
            let decimalPrecision = max(integerDigits + fraction, 1)
            if decimalPrecision <= target.maxDecimalPrecision {
                // A constrained numeric cannot hold ±Infinity (PostgreSQL 14+), only NaN.
                let nanReject = ValueGuard.Reject(condition: "\(c) = 'NaN'::numeric", reason: specialReject.reason, value: specialReject.value)
                return Rendering(type: "DECIMAL(\(decimalPrecision),\(fraction))", value: c, rejects: [nanReject])
            }
            // Wider than the target's DECIMAL: every digit as text (NaN included).
            return Rendering(type: "VARCHAR(\(max(decimalPrecision + 3, 9)))", value: "\(c)::text")
        }
        // Unconstrained numeric: DECIMAL(38,10) holds up to 28 integer and 10 fraction digits;
        // anything else fails the load (never a silent rounding).
        return Rendering(type: "DECIMAL(38,10)", value: c, rejects: [
            specialReject,
            ValueGuard.Reject(condition: "trunc(\(c), 10) <> \(c) OR abs(\(c)) >= 1e28",
                              reason: "does not fit DECIMAL(38,10) exactly (use --cast ...=varchar or =decimal(p,s))", value: "\(c)::text"),
        ])
    }

    /// (precision, scale) of a numeric typmod; the scale is an 11-bit signed field (PostgreSQL 15).
    static func numericTypmod(_ typmod: Int) -> (Int, Int) {
        let packed = typmod - 4
        let precision = (packed >> 16) & 0xFFFF
        let scale = ((packed & 0x7FF) ^ 1024) - 1024
        return (precision, scale)
    }

    // MARK: - JSON

    /// A StarRocks JSON value keeps integers as 64-bit and other numbers as doubles: a number
    /// beyond that (e.g. 12345678901234567890123, 0.1000000000000000055) would silently change.
    /// Only documents whose text (`text`, the value as rendered) could hold such a number are
    /// walked: a number that is no 64-bit integer and no shortest-form double has 16 or more
    /// significant digits (so a run of 16 digits and dots) or, outside the double range, a
    /// 3-digit exponent (jsonb prints numbers without exponents, json keeps the source text).
    static func jsonRejects(text: String, jsonb: String) -> [ValueGuard.Reject] {
        // CASE fixes the evaluation order (float8 conversion only in range).
        let exact = "CASE WHEN n = trunc(n) AND n BETWEEN -9223372036854775808 AND 18446744073709551615 THEN true "
            + "WHEN abs(n) BETWEEN 1e-307 AND 1e308 THEN n::float8::text::numeric = n ELSE false END"
        let mayHold = jsonb.hasSuffix("::jsonb") ? "'[0-9.]{16}|[eE][+-]?[0-9]{3}'" : "'[0-9.]{16}'"
        let inexact = "\(text) ~ \(mayHold) AND EXISTS (SELECT 1 FROM jsonb_path_query(\(jsonb), 'strict $.**') AS v(j), "
            + "LATERAL (SELECT CASE WHEN jsonb_typeof(v.j) = 'number' THEN (v.j #>> '{}')::numeric END) AS x(n) WHERE n IS NOT NULL AND NOT (\(exact)))"
        return jsonSizeRejects(text) + [
            ValueGuard.Reject(condition: inexact, reason: "JSON number that a StarRocks JSON value (64-bit integer or double) cannot hold exactly (use --cast ...=varchar)",
                              value: "left(\(text), 40)"),
        ]
    }

    static func jsonSizeRejects(_ text: String) -> [ValueGuard.Reject] {
        [ValueGuard.Reject(condition: "octet_length(\(text)) > 16777216", reason: "JSON value larger than 16 MB (StarRocks JSON limit)", value: "left(\(text), 40)")]
    }

    // MARK: - Temporal text forms

    /// An interval as Debezium's `interval.handling.mode=string` writes it
    /// (`io.debezium.time.Interval.toIsoString` over pgjdbc's `PGInterval`): `P<y>Y<m>M<d>DT<h>H<min>M<s>S`,
    /// each field signed as PostgreSQL prints it; the seconds are `wholeSeconds + micros / 1e6`
    /// computed in double precision, printed shortest (`BigDecimal.valueOf`), truncated to 9
    /// decimals and stripped of trailing zeros — so 1.003691 s reads `1.003690999`, exactly as
    /// Debezium sends it (rounding to 6 decimals recovers the microseconds).
    static func debeziumInterval(_ c: String) -> String {
        let seconds = "extract(second from \(c))"
        let whole = "trunc(\(seconds))"
        let asDouble = "(\(whole)::float8 + ((\(seconds) - \(whole)) * 1000000)::float8 / 1000000::float8)"
        let secondsText = "trim_scale(trunc(\(asDouble)::text::numeric, 9))::text"
        return "'P' || extract(year from \(c))::bigint || 'Y' || extract(month from \(c))::bigint || 'M' || extract(day from \(c))::bigint"
            + " || 'DT' || extract(hour from \(c))::bigint || 'H' || extract(minute from \(c))::bigint || 'M' || \(secondsText) || 'S'"
    }

    // MARK: - Arrays

    /// One-dimensional arrays of scalars become ARRAY<T>, as the JSON-like text that is
    /// StarRocks' CSV array syntax; declared multi-dimensional arrays and other elements
    /// become JSON.
    static func array(_ column: SourceColumn, _ c: String, slot: OnceSlot?, target: TargetCapabilities, policy: ValuePolicy) -> Rendering {
        let asJSON = "array_to_json(\(c))::text"
        let json = Rendering.readingOnce(asJSON, slot: slot, type: "JSON", cdc: "parse_json({})", rejects: jsonSizeRejects)
        guard column.arrayDimensions <= 1, let element = column.elementTypeName, let kind = column.elementTypeKind else { return json }
        let x = "pg2sr_x"
        let scalarTypes: Set<String> = ["int2", "int4", "int8", "oid", "float4", "float8", "bool", "numeric", "varchar", "bpchar", "text", "citext",
                                        "name", "uuid", "date", "timestamp", "timestamptz", "time", "timetz", "interval", "inet", "cidr",
                                        "macaddr", "macaddr8", "bit", "varbit"]
        guard scalarTypes.contains(element) || kind == "e",
              let scalar = scalar(typeName: element, kind: kind, typmod: column.typmod, x, target: target, policy: policy),
              !scalar.type.hasPrefix("JSON") && !scalar.type.hasPrefix("VARBINARY") else { return json }
        if element == "numeric", scalar.type.hasPrefix("VARCHAR") { return json } // wider than the target's DECIMAL
        let type = "ARRAY<\(scalar.type)>"
        let isString = scalar.type.hasPrefix("VARCHAR")
        let jsonRenderable: Set<String> = ["int2", "int4", "int8", "oid", "bool", "numeric", "date", "timestamp", "varchar", "text", "citext",
                                           "name", "uuid", "inet", "cidr", "macaddr", "macaddr8", "bit", "varbit"]

        /// The guards; `jsonText` is the array's JSON text (`asJSON` or the slot reading it).
        func rejects(jsonText: String, rendersJSON: Bool) -> [ValueGuard.Reject] {
            var rejects = [
                ValueGuard.Reject(condition: "array_ndims(\(c)) > 1", reason: "multi-dimensional value in a one-dimensional ARRAY column (use --cast ...=json)",
                                  value: "left(\(c)::text, 40)"),
                ValueGuard.Reject(condition: "array_lower(\(c), 1) <> 1", reason: "array with lower bound other than 1 would lose its bounds (use --cast ...=varchar)",
                                  value: "left(\(c)::text, 40)"),
            ]
            // Element guards, tested over the elements only when a cheap test on the array's text
            // says an element may fail. A JSON text is at least as long as any of its strings.
            let maxVarchar = target.maxVarcharBytes
            let precheck: String
            switch element {
            case "text", "citext", "name", "varchar", "bpchar":
                precheck = "octet_length(\(rendersJSON ? jsonText : "\(c)::text")) > \(maxVarchar) AND "
            case "numeric": precheck = "\(c)::text ~ '[NI]|[.][0-9]{11}|[0-9]{28}' AND "
            case "date", "timestamp", "timestamptz": precheck = "\(c)::text ~ 'infinity|BC|[0-9]{5}-' AND "
            case "bit", "varbit": precheck = "length(\(c)::text) > \(maxVarchar) AND "
            default: precheck = ""
            }
            func anyElement(_ condition: String) -> String { "EXISTS (SELECT 1 FROM unnest(\(c)) AS u(\(x)) WHERE \(condition))" }
            for reject in scalar.rejects {
                var arrayReject = ValueGuard.Reject(condition: precheck + anyElement(reject.condition), reason: "array element " + reject.reason,
                                                    value: "left(\(c)::text, 40)")
                if let specific = reject.specific {
                    arrayReject.specific = (condition: anyElement(specific.condition), reason: "array element " + specific.reason)
                }
                rejects.append(arrayReject)
            }
            if isString {
                // StarRocks' CSV array reader does not understand escaped quotes inside elements; in
                // the JSON text every quote, backslash or control character in an element is escaped.
                rejects.append(ValueGuard.Reject(condition: "strpos(\(jsonText), '\\') > 0",
                                                 reason: "array element contains a quote, backslash or control character, which StarRocks' CSV ARRAY reader cannot read (use --cast ...=json)",
                                                 value: "left(\(c)::text, 40)"))
            }
            return rejects
        }

        if (jsonRenderable.contains(element) || kind == "e") && scalar.nullWhen == nil {
            // array_to_json renders the elements as StarRocks reads them.
            return .readingOnce(asJSON, slot: slot, type: type) { rejects(jsonText: $0, rendersJSON: true) }
        }
        let value: String
        if scalar.nullWhen != nil && (jsonRenderable.contains(element) || kind == "e") {
            // --infinity-as-null on date/timestamp elements.
            value = "CASE WHEN \(c) IS NULL THEN NULL ELSE '[' || coalesce((SELECT string_agg(CASE WHEN \(x) IS NULL OR \(scalar.nullWhen!) THEN 'null' ELSE to_json(\(x))::text END, ',' ORDER BY pg2sr_i) "
                + "FROM unnest(\(c)) WITH ORDINALITY AS u(\(x), pg2sr_i)), '') || ']' END"
        } else {
            // float (NaN/Infinity bare, which StarRocks parses), timestamptz (UTC, no offset),
            // time/timetz/interval (Debezium forms), char(n) (padded).
            let elementText = isString ? "to_json(\(scalar.value))::text"
                : (scalar.type == "DATETIME" || scalar.type == "DATE") ? "'\"' || (\(scalar.value))::text || '\"'" : "(\(scalar.value))::text"
            let nullElement = scalar.nullWhen.map { "WHEN \($0) THEN 'null' " } ?? ""
            value = "CASE WHEN \(c) IS NULL THEN NULL ELSE '[' || coalesce((SELECT string_agg(CASE WHEN \(x) IS NULL THEN 'null' \(nullElement)ELSE \(elementText) END, ',' ORDER BY pg2sr_i) "
                + "FROM unnest(\(c)) WITH ORDINALITY AS u(\(x), pg2sr_i)), '') || ']' END"
        }
        return Rendering(type: type, value: value, rejects: rejects(jsonText: asJSON, rendersJSON: false), cdc: nil)
    }

    // MARK: - --cast

    static func castRendering(_ requested: String, column: SourceColumn, _ c: String, slot: OnceSlot?, table: TableName,
                              target: TargetCapabilities, policy: ValuePolicy) throws -> Rendering {
        let lowered = requested.lowercased().replacingOccurrences(of: " ", with: "")
        func textual(_ limit: Int) -> Rendering {
            Rendering(type: "VARCHAR(\(limit))", value: "\(c)::text", rejects: [
                ValueGuard.Reject(condition: "octet_length(\(c)::text) > \(limit)", reason: "longer than \(limit) bytes", value: "left(\(c)::text, 40)"),
            ], transportSafe: true)
        }
        // Casting a fractional number to an integer type rounds in PostgreSQL: refuse instead.
        let numericSource = column.baseTypeCategory == "N"
        func integer(_ type: String, _ pgType: String) -> Rendering {
            var rendering = Rendering(type: type, value: "(\(c))::\(pgType)")
            if numericSource {
                rendering.rejects.append(ValueGuard.Reject(condition: "(\(c))::numeric <> trunc((\(c))::numeric)", reason: "has a fraction, which --cast \(requested) would round",
                                                           value: "\(c)::text"))
            }
            return rendering
        }
        switch lowered {
        case "varchar", "string", "text": return textual(target.maxVarcharBytes)
        case "json":
            return .readingOnce("to_json(\(c))::text", slot: slot, type: "JSON", cdc: "parse_json({})", rejects: jsonSizeRejects)
        case "bigint": return integer("BIGINT", "bigint")
        case "int": return integer("INT", "int")
        case "smallint": return integer("SMALLINT", "smallint")
        case "double": return Rendering(type: "DOUBLE", value: "(\(c))::float8") // an explicit choice to keep ~17 digits
        case "float": return Rendering(type: "FLOAT", value: "(\(c))::float4")
        case "boolean": return Rendering(type: "BOOLEAN", value: "(\(c))::boolean::text")
        case "date":
            return temporal("DATE", "(\(c))::date", as: "date", policy: policy)
        case "datetime":
            return temporal("DATETIME", "(\(c))::timestamp", as: "timestamp", policy: policy)
        default:
            if lowered.hasPrefix("varchar("), lowered.hasSuffix(")"), let n = Int(lowered.dropFirst(8).dropLast()), n >= 1, n <= target.maxVarcharBytes {
                return textual(n)
            }
            if lowered.hasPrefix("decimal("), lowered.hasSuffix(")") {
                let parts = lowered.dropFirst(8).dropLast().split(separator: ",").compactMap { Int($0) }
                if parts.count == 2, parts[0] >= 1, parts[0] <= target.maxDecimalPrecision, parts[1] >= 0, parts[1] <= parts[0] {
                    let (p, s) = (parts[0], parts[1])
                    let n = "(\(c))::numeric"
                    return Rendering(type: "DECIMAL(\(p),\(s))", value: n, rejects: [
                        ValueGuard.Reject(condition: "\(n) >= 'Infinity'::numeric OR \(n) <= '-Infinity'::numeric", reason: "NaN/Infinity has no DECIMAL form", value: "\(n)::text"),
                        ValueGuard.Reject(condition: "trunc(\(n), \(s)) <> \(n) OR abs(\(n)) >= 1e\(p - s)", reason: "does not fit DECIMAL(\(p),\(s)) exactly", value: "\(n)::text"),
                    ])
                }
            }
            throw Pg2srError.usage("--cast for \(table.qualifiedPlain).\(column.name): unknown target type '\(requested)' (varchar, varchar(n), json, bigint, int, smallint, double, float, boolean, date, datetime, decimal(p,s) with p ≤ \(target.maxDecimalPrecision))")
        }
    }

    // MARK: - Checks

    /// StarRocks Primary Key columns: integers, BOOLEAN, strings, DATE, DATETIME.
    private static func checkKeyType(_ mapping: ColumnMapping, table: TableName) throws {
        let allowed = ["TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT", "BOOLEAN", "DATE", "DATETIME", "VARCHAR", "CHAR"]
        let base = mapping.starRocksType.prefix { $0.isLetter }
        guard allowed.contains(String(base)) else {
            throw Pg2srError.usage("primary key column \(table).\(PostgresSQL.quoteIdentifier(mapping.sourceName)) (\(mapping.sourceType)) maps to \(mapping.starRocksType), which StarRocks does not allow in a key; choose a key type with --cast '\(table.qualifiedPlain).\(mapping.sourceName)=varchar' or bigint")
        }
    }

    /// Column names StarRocks (or the load protocols) cannot take. Quoting handles everything
    /// else: backticks in StarRocks (a backtick doubled), double quotes in PostgreSQL.
    /// * control characters: a Stream Load `columns` header cannot carry them (and StarRocks
    ///   rejects NUL);
    /// * `__op`: StarRocks' load operation pseudo-column;
    /// * `pg2sr_f<n>`, `pg2sr_v<n>`, `pg2sr_a<n>`, `pg2sr_b<n>`, `pg2sr_op`, `pg2sr_deleted`:
    ///   pg2sr's temporary names in Stream Load / Routine Load column lists; `pg2sr_l<n>`:
    ///   the COPY SELECT's `RenderedOnce` subqueries.
    static func checkTargetName(_ name: String, table: TableName) throws {
        let quoted = "\(table).\(PostgresSQL.quoteIdentifier(name))"
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Pg2srError.usage("column \(quoted) has a control character in its name, which StarRocks column names and Stream Load headers cannot carry; rename it or leave the table out")
        }
        let lowered = name.lowercased()
        if lowered == "__op" {
            throw Pg2srError.usage("column \(quoted) is named __op, StarRocks' load operation column; rename it or leave the table out")
        }
        if lowered.hasPrefix("pg2sr_") {
            let rest = lowered.dropFirst(6)
            let temporary = rest == "op" || rest == "deleted"
                || (rest.count > 1 && "fvabl".contains(rest.first!) && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
            if temporary {
                throw Pg2srError.usage("column \(quoted) has the name of one of pg2sr's temporary load columns; rename it or leave the table out")
            }
        }
    }
}
