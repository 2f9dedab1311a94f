// Scalar PostgreSQL types: their StarRocks type, rendering and guards.
import Pg2srSupport

extension TypeMapping {

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
            return .readingOnce("\(c)::text", slot: slot, type: "JSON") { text in
                jsonRejects(text: text, jsonb: typeName == "jsonb" ? c : "\(c)::jsonb")
            }
        case "hstore":
            // The extension's cast to json (hstore_to_json), found whatever schema holds it.
            return .readingOnce("\(c)::json::text", slot: slot, type: "JSON", rejects: jsonSizeRejects)
        case "bytea":
            return Rendering(type: "VARBINARY(\(maxVarchar))", value: "encode(\(c), 'hex')", rejects: [
                ValueGuard.Reject(condition: "octet_length(\(c)) > \(maxVarchar)", reason: "binary value longer than \(maxVarchar) bytes (StarRocks VARBINARY limit)",
                                  value: "octet_length(\(c))::text || ' bytes'"),
            ])
        case "date":
            return temporal("DATE", c, as: "date", policy: policy)
        case "timestamp":
            return temporal("DATETIME", c, as: "timestamp", policy: policy)
        case "timestamptz":
            // StarRocks DATETIME has no zone: the instant in UTC.
            return temporal("DATETIME", c, as: "timestamptz", rendered: "(\(c) AT TIME ZONE 'UTC')", policy: policy)
        case "time":
            // Debezium isostring: ISO_OFFSET_TIME at UTC, fraction without trailing zeros; it sends
            // 24:00:00 as 00:00:00Z, the only form CDC can carry, so the snapshot does too (adding
            // an interval wraps a time at midnight).
            return Rendering(type: "VARCHAR(32)", value: "(\(c) + interval '0 s')::text || 'Z'")
        case "timetz":
            // Debezium converts to UTC (withOffsetSameInstant) and prints ISO_OFFSET_TIME; AT TIME
            // ZONE wraps 24:00:00 into the day as Debezium does.
            return Rendering(type: "VARCHAR(32)", value: "(\(c) AT TIME ZONE 'UTC')::time::text || 'Z'")
        case "interval":
            return Rendering(type: "VARCHAR(64)", value: debeziumInterval(c))
        case "inet":
            // The output function, as COPY and pgoutput (so Debezium) print it: `10.0.0.1`, not
            // the text() cast's `10.0.0.1/32`.
            return Rendering(type: "VARCHAR(64)", value: "textin(inet_out(\(c)))")
        case "cidr": return Rendering(type: "VARCHAR(64)", value: "\(c)::text")
        case "macaddr", "macaddr8": return Rendering(type: "VARCHAR(32)", value: "\(c)::text")
        case "bit", "varbit":
            // bit(n)/varbit(n): typmod = n bits, one character each.
            if typmod > 0 && typmod <= maxVarchar {
                return Rendering(type: varchar(typmod), value: "\(c)::text")
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
                return .readingOnce("to_json(\(c))::text", slot: slot, type: "JSON", rejects: jsonSizeRejects)
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
}
