/// PostgreSQL type → StarRocks type + the SELECT expression that renders it.
///
/// Every value crosses as the text PostgreSQL's COPY writes for the expression, in CSV; the
/// sessions run with TimeZone=UTC, DateStyle=ISO and extra_float_digits=1 (shortest exact).
/// Values StarRocks cannot hold exactly make PostgreSQL raise an error inside the COPY
/// (see `ValueGuard`), so such a chunk fails loudly instead of loading a rounded, truncated or
/// NULLed value.
public enum TypeMapping {
    /// `castOverride` is the target type the user forced with `--cast` (e.g. `varchar`).
    public static func map(_ column: SourceColumn, of table: TableName, castOverride: String? = nil,
                           policy: ValuePolicy = ValuePolicy(), target: TargetCapabilities = TargetCapabilities()) throws -> ColumnMapping {
        let c = PostgresSQL.quoteIdentifier(column.name)
        let guardFor = ValueGuard(table: table, column: column.name)
        var mapping = ColumnMapping(sourceName: column.name, targetName: column.name, starRocksType: "",
                                    nullable: !column.notNull && column.primaryKeyPosition == 0,
                                    keyPosition: column.primaryKeyPosition, selectExpression: c,
                                    sourceType: column.declaredType)
        if let castOverride {
            (mapping.starRocksType, mapping.selectExpression) = try castTarget(castOverride, column: c, table: table, name: column.name, target: target, guardFor: guardFor)
            return mapping
        }
        let maxVarchar = target.maxVarcharBytes
        func varchar(_ bytes: Int) -> String { "VARCHAR(\(min(max(bytes, 1), maxVarchar)))" }
        func boundedText(_ expr: String) -> String {
            guardFor.reject(when: "octet_length(\(expr)) > \(maxVarchar)", reason: "longer than \(maxVarchar) bytes (StarRocks VARCHAR limit)", value: "left(\(expr), 40)",
                            else: nullLiteralSafe(expr, &mapping))
        }

        switch column.baseTypeCategory == "A" ? "array" : column.baseTypeName {
        case "int2": mapping.starRocksType = "SMALLINT"
        case "int4": mapping.starRocksType = "INT"
        case "int8", "oid": mapping.starRocksType = "BIGINT"
        case "float4": mapping.starRocksType = "FLOAT"
        case "float8": mapping.starRocksType = "DOUBLE"
        case "bool": mapping.starRocksType = "BOOLEAN"; mapping.selectExpression = "\(c)::text" // true/false, never t/f
        case "money":
            mapping.starRocksType = "DECIMAL(19,2)"
            mapping.selectExpression = "\(c)::numeric"
        case "numeric":
            (mapping.starRocksType, mapping.selectExpression) = numeric(column, c, guardFor, target)
        case "varchar", "bpchar":
            let declared = column.typmod > 4 ? column.typmod - 4 : 0 // typmod = n + VARHDRSZ
            if declared > 0 && declared * 4 <= maxVarchar {
                mapping.starRocksType = varchar(declared * 4) // StarRocks counts bytes; UTF-8 needs up to 4 per character
                mapping.selectExpression = nullLiteralSafe("\(c)::text", &mapping)
            } else {
                mapping.starRocksType = varchar(maxVarchar)
                mapping.selectExpression = boundedText(c)
            }
        case "text", "citext", "name":
            mapping.starRocksType = varchar(maxVarchar)
            mapping.selectExpression = boundedText("\(c)::text")
        case "uuid": mapping.starRocksType = "VARCHAR(36)"
        case "json", "jsonb":
            mapping.starRocksType = "JSON"
            mapping.cdcExpression = "parse_json({})" // Debezium sends the JSON text as a string
            mapping.selectExpression = guardFor.reject(when: "octet_length(\(c)::text) > 16777216", reason: "JSON value larger than 16 MB (StarRocks JSON limit)", value: "left(\(c)::text, 40)", else: "\(c)::text")
        case "bytea":
            mapping.starRocksType = "VARBINARY(\(maxVarchar))"
            mapping.cdcExpression = "to_binary({}, 'hex')" // binary.handling.mode=hex
            mapping.selectExpression = guardFor.reject(when: "octet_length(\(c)) > \(maxVarchar)", reason: "binary value longer than \(maxVarchar) bytes (StarRocks VARBINARY limit)", value: "octet_length(\(c))::text || ' bytes'", else: "encode(\(c), 'hex')")
        case "date":
            mapping.starRocksType = "DATE"
            mapping.selectExpression = guardFor.temporal(c, rendered: c, policy: policy)
        case "timestamp":
            mapping.starRocksType = "DATETIME"
            mapping.selectExpression = guardFor.temporal(c, rendered: c, policy: policy)
        case "timestamptz":
            mapping.starRocksType = "DATETIME" // normalized to UTC: StarRocks DATETIME has no zone
            mapping.selectExpression = guardFor.temporal(c, rendered: "(\(c) AT TIME ZONE 'UTC')", policy: policy)
        case "time", "timetz": mapping.starRocksType = "VARCHAR(32)"; mapping.selectExpression = "\(c)::text"
        case "interval": mapping.starRocksType = "VARCHAR(64)"; mapping.selectExpression = "\(c)::text"
        case "inet", "cidr": mapping.starRocksType = "VARCHAR(64)"; mapping.selectExpression = "\(c)::text"
        case "macaddr", "macaddr8": mapping.starRocksType = "VARCHAR(32)"; mapping.selectExpression = "\(c)::text"
        case "bit", "varbit":
            let bits = column.typmod > 0 ? column.typmod : maxVarchar
            mapping.starRocksType = varchar(bits)
            mapping.selectExpression = "\(c)::text"
        case "hstore":
            mapping.starRocksType = "JSON"
            mapping.selectExpression = "hstore_to_json(\(c))::text"
            mapping.cdcExpression = "parse_json({})" // hstore.handling.mode=json sends a string
        case "array":
            (mapping.starRocksType, mapping.selectExpression) = try array(column, c, guardFor, table)
        default:
            switch column.baseTypeKind {
            case "e":
                mapping.starRocksType = "VARCHAR(256)" // enum labels are at most 63 bytes
                mapping.selectExpression = nullLiteralSafe("\(c)::text", &mapping)
            case "c":
                mapping.starRocksType = "JSON"
                mapping.selectExpression = "to_json(\(c))::text"
                mapping.cdcExpression = "parse_json({})"
            default:
                throw Pg2srError.usage("column \(table).\(PostgresSQL.quoteIdentifier(column.name)) has type \(column.declaredType), which pg2sr cannot map; choose one with --cast '\(table.qualifiedPlain).\(column.name)=varchar'")
            }
        }
        if mapping.keyPosition > 0 { try checkKeyType(mapping, table: table) }
        return mapping
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

    private static func numeric(_ column: SourceColumn, _ c: String, _ guardFor: ValueGuard, _ target: TargetCapabilities) -> (String, String) {
        // NaN and ±Infinity have no DECIMAL form.
        let special = "\(c) >= 'Infinity'::numeric OR \(c) <= '-Infinity'::numeric"
        if column.typmod >= 4 {
            let precision = ((column.typmod - 4) >> 16) & 0xFFFF
            let scale = (column.typmod - 4) & 0xFFFF
            if precision <= target.maxDecimalPrecision && scale <= precision {
                return ("DECIMAL(\(precision),\(scale))",
                        guardFor.reject(when: special, reason: "NaN/Infinity has no DECIMAL form", value: "\(c)::text", else: c))
            }
            return ("VARCHAR(\(precision + 3))", "\(c)::text") // wider than the target's DECIMAL: keep every digit as text
        }
        // Unconstrained numeric: DECIMAL(38,10) holds up to 28 integer and 10 fraction digits;
        // anything else fails the load (never a silent rounding to scale 0).
        let exactness = "\(special) OR scale(\(c)) > 10 OR abs(\(c)) >= 1e28"
        return ("DECIMAL(38,10)",
                guardFor.reject(when: exactness, reason: "does not fit DECIMAL(38,10) exactly (use --cast ...=varchar)", value: "\(c)::text", else: c))
    }

    /// One-dimensional arrays of scalars become ARRAY<T> (as JSON text, which is StarRocks'
    /// CSV array syntax); declared multi-dimensional arrays and other elements become JSON.
    private static func array(_ column: SourceColumn, _ c: String, _ guardFor: ValueGuard, _ table: TableName) throws -> (String, String) {
        let elementTypes: [String: String] = [
            "int2": "SMALLINT", "int4": "INT", "int8": "BIGINT", "float4": "FLOAT", "float8": "DOUBLE",
            "bool": "BOOLEAN", "text": "VARCHAR(65533)", "varchar": "VARCHAR(65533)", "bpchar": "VARCHAR(65533)",
            "uuid": "VARCHAR(36)", "date": "DATE", "timestamp": "DATETIME", "numeric": "DECIMAL(38,10)",
        ]
        let json = "array_to_json(\(c))::text"
        guard column.arrayDimensions <= 1, let element = column.elementTypeName, var elementType = elementTypes[element] else {
            return ("JSON", json)
        }
        if element == "numeric" {
            let scalar = SourceColumn(name: column.name, notNull: false, declaredType: "", baseType: "", baseTypeName: "numeric",
                                      baseTypeKind: "b", baseTypeCategory: "N", typmod: column.typmod, arrayDimensions: 0, primaryKeyPosition: 0)
            elementType = numeric(scalar, "x", guardFor, TargetCapabilities()).0
        }
        var rendered = json
        if element == "text" || element == "varchar" || element == "bpchar" {
            // StarRocks' CSV array splitter does not understand escaped quotes inside elements.
            // In the JSON text every quote, backslash or control character inside an element is escaped.
            rendered = guardFor.reject(when: "strpos(array_to_json(\(c))::text, '\\') > 0",
                                       reason: "array element contains a quote, backslash or control character, which StarRocks' CSV ARRAY parser cannot read (use --cast ...=json)",
                                       value: "left(\(c)::text, 40)", else: json)
        }
        let oneDimensional = guardFor.reject(when: "array_ndims(\(c)) > 1", reason: "multi-dimensional value in a one-dimensional ARRAY column (use --cast ...=json)",
                                             value: "left(\(c)::text, 40)", else: rendered)
        return ("ARRAY<\(elementType)>", oneDimensional)
    }

    private static func castTarget(_ requested: String, column c: String, table: TableName, name: String,
                                   target: TargetCapabilities, guardFor: ValueGuard) throws -> (String, String) {
        let lowered = requested.lowercased()
        switch lowered {
        case "varchar", "string", "text":
            return ("VARCHAR(\(target.maxVarcharBytes))",
                    guardFor.reject(when: "octet_length(\(c)::text) > \(target.maxVarcharBytes)", reason: "longer than \(target.maxVarcharBytes) bytes", value: "left(\(c)::text, 40)", else: "\(c)::text"))
        case "json": return ("JSON", "to_json(\(c))::text")
        case "bigint": return ("BIGINT", "\(c)::bigint")
        case "int": return ("INT", "\(c)::int")
        case "double": return ("DOUBLE", "\(c)::float8")
        case "boolean": return ("BOOLEAN", "\(c)::boolean::text")
        case "date": return ("DATE", "\(c)::date")
        case "datetime": return ("DATETIME", "\(c)::timestamp")
        default:
            if lowered.hasPrefix("varchar("), let n = Int(lowered.dropFirst(8).dropLast()) {
                return ("VARCHAR(\(n))", guardFor.reject(when: "octet_length(\(c)::text) > \(n)", reason: "longer than \(n) bytes", value: "left(\(c)::text, 40)", else: "\(c)::text"))
            }
            if lowered.hasPrefix("decimal(") {
                return (requested.uppercased(), "\(c)::numeric")
            }
            throw Pg2srError.usage("--cast for \(table.qualifiedPlain).\(name): unknown target type '\(requested)' (varchar, varchar(n), json, bigint, int, double, boolean, date, datetime, decimal(p,s))")
        }
    }

    /// StarRocks Primary Key columns: integers, BOOLEAN, strings, DATE, DATETIME.
    private static func checkKeyType(_ mapping: ColumnMapping, table: TableName) throws {
        let allowed = ["TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT", "BOOLEAN", "DATE", "DATETIME", "VARCHAR", "CHAR"]
        let base = mapping.starRocksType.prefix { $0.isLetter }
        guard allowed.contains(String(base)) else {
            throw Pg2srError.usage("primary key column \(table).\(PostgresSQL.quoteIdentifier(mapping.sourceName)) (\(mapping.sourceType)) maps to \(mapping.starRocksType), which StarRocks does not allow in a key; choose a key type with --cast '\(table.qualifiedPlain).\(mapping.sourceName)=varchar' or bigint")
        }
    }
}
