// Debezium 3.6's value of each PostgreSQL type and the Routine Load expression or check that makes it the snapshot's.
import Pg2srSupport

/// What Debezium 3.6 sends for each PostgreSQL type with pg2sr's connector config, and how Routine
/// Load turns it into the value the snapshot loads — or why it cannot (docs/cdc-fidelity.md §1, §4).
extension TypeMapping {
    /// Debezium's `unavailable.value.placeholder` for an unchanged out-of-line TOAST value.
    static let toastPlaceholder = "__debezium_unavailable_value"

    /// The CDC side of `mapping`, whose source column is `column` (`castOverride` as for `map`).
    static func cdc(_ column: SourceColumn, mapping: ColumnMapping, castOverride: String?, policy: ValuePolicy) -> CDCRendering {
        if let castOverride {
            return castCDC(castOverride, column: column, mapping: mapping, policy: policy)
        }
        if column.baseTypeCategory == "A" {
            return arrayCDC(column, mapping: mapping, policy: policy)
        }
        return scalarCDC(typeName: column.baseTypeName, kind: column.baseTypeKind, typmod: column.typmod, mapping: mapping, policy: policy)
    }

    // MARK: - Scalars

    static func scalarCDC(typeName: String, kind: String, typmod: Int, mapping: ColumnMapping, policy: ValuePolicy) -> CDCRendering {
        switch typeName {
        case "int2", "int4", "int8", "oid", "float4", "float8", "bool", "money", "uuid", "time", "timetz", "interval",
             "inet", "cidr", "macaddr", "macaddr8":
            return CDCRendering()
        case "numeric":
            return numericCDC(typmod: typmod, mapping: mapping)
        case "varchar", "bpchar", "text", "citext":
            return CDCRendering(checks: ["{} <> \(quoted(toastPlaceholder))"])
        case "name":
            return .refused("Debezium sends name values as NULL (it has no converter for the name type)")
        case "json", "jsonb":
            return CDCRendering(expression: jsonValue, checks: ["NOT ({} REGEXP \(quoted(unsafeJSONNumber)))"])
        case "hstore":
            return CDCRendering(expression: jsonValue, checks: ["{} <> \(quoted("{\"\(toastPlaceholder)\":\"\(toastPlaceholder)\"}"))"])
        case "bytea":
            return CDCRendering(expression: binaryValue, checks: ["{} REGEXP '^([0-9a-f][0-9a-f])*$'"])
        case "date", "timestamp", "timestamptz":
            return temporalCDC(from: typeName, to: typeName == "date" ? "date" : "datetime", policy: policy)
        case "bit":
            return bitsCDC(bits: max(typmod, 1))
        case "varbit":
            return .refused("Debezium sends varbit as the value's bytes (base64), which lose its length and leading zeros")
        default:
            switch kind {
            case "e": return CDCRendering()
            case "c": return .refused("Debezium does not send composite types")
            default: return .refused("Debezium does not send \(typeName) in a form pg2sr can load")
            }
        }
    }

    /// numeric(p,s) loads as it is; a negative scale makes Debezium print thousands of zero decimals;
    /// unconstrained numeric must fit DECIMAL(38,10) exactly (as the snapshot checks); a numeric wider
    /// than DECIMAL is text, where Debezium spells NaN and the infinities its own way.
    static func numericCDC(typmod: Int, mapping: ColumnMapping) -> CDCRendering {
        let negativeScale = typmod >= 4 && numericTypmod(typmod).1 < 0
        var value = negativeScale ? "regexp_replace({}, '[.]0*$', '')" : "{}"
        if mapping.starRocksType.hasPrefix("VARCHAR") {
            value = numericSpellings(value)
            return CDCRendering(expression: value)
        }
        if typmod < 4 {
            return CDCRendering(checks: ["{} REGEXP \(quoted(decimalPattern(integerDigits: 28, fractionDigits: 10, anchored: true)))"])
        }
        return negativeScale ? CDCRendering(expression: value) : CDCRendering()
    }

    /// `NAN`, `POSITIVE_INFINITY`, `NEGATIVE_INFINITY` (`SpecialValueDecimal`) as PostgreSQL prints them.
    static func numericSpellings(_ value: String) -> String {
        "if(\(value) = 'NAN', 'NaN', if(\(value) = 'POSITIVE_INFINITY', 'Infinity', if(\(value) = 'NEGATIVE_INFINITY', '-Infinity', \(value))))"
    }

    /// The text of a number DECIMAL(integerDigits + fractionDigits, fractionDigits) holds exactly
    /// (trailing zeros beyond the scale allowed).
    static func decimalPattern(integerDigits: Int, fractionDigits: Int, anchored: Bool) -> String {
        let fraction = fractionDigits > 0 ? "([.][0-9]{0,\(fractionDigits)}0*)?" : "([.]0*)?"
        let body = "-?[0-9]{1,\(max(integerDigits, 1))}\(fraction)"
        return anchored ? "^\(body)$" : body
    }

    /// Debezium's JSON text into the same JSON value on every release: a document that starts with
    /// `[` is always parsed as JSON (`parse_json_or_string` keeps other scalars as strings).
    static let jsonValue = "json_query(parse_json(concat('[', {}, ']')), '$[0]')"

    /// Hex (Debezium's `binary.handling.mode=hex`, and the snapshot's CSV) into bytes; `unhex('')`
    /// is '' on older and NULL on newer releases, so the empty value is spelled out.
    static let binaryValue = "if({} = '', to_binary('', 'utf8'), to_binary({}, 'hex'))"

    /// A number token outside JSON strings that a StarRocks JSON value (int64, uint64 or double)
    /// may not hold exactly: an integer beyond int64/uint64, a decimal with 16 or more digits, an
    /// exponent of 308 or more. Stricter than the snapshot's exact test (docs/cdc-fidelity.md §4).
    static let unsafeJSONNumber: String = {
        func greater(than bound: String) -> [String] {
            let digits = bound.compactMap(\.wholeNumberValue)
            return digits.indices.compactMap { i in
                guard digits[i] < 9 else { return nil }
                let rest = digits.count - i - 1
                return digits[..<i].map(String.init).joined() + "[\(digits[i] + 1)-9]" + (rest > 0 ? "[0-9]{\(rest)}" : "")
            }
        }
        // Exponents from 308 on leave the double range or its full precision.
        var unsafe = ["[0-9]{21}", "-[0-9]{20}", "[0-9]{16}[eE]", "[eE][+-]?0*(30[89]|3[1-9][0-9]|[4-9][0-9][0-9]|[1-9][0-9]{3})"]
        unsafe += greater(than: "18446744073709551615") + greater(than: "9223372036854775808").map { "-" + $0 }
        unsafe += (0...16).map { a in (a > 0 ? "[0-9]{\(a)}" : "") + "[.]" + (a < 16 ? "[0-9]{\(16 - a)}" : "") }
        // Everything before the number: whole strings and what lies between them (greedy: Hyperscan,
        // which StarRocks may use for a constant pattern, has no lazy repetition).
        let outsideStrings = #"^([^"]|"([^"\\]|\\.)*")*"#
        return outsideStrings + "(" + unsafe.joined(separator: "|") + ")"
    }()

    /// Dates and timestamps: Debezium's ISO text (`2024-01-01Z`, `2024-01-01T10:00:00.5Z`) with the
    /// year checked as text (0001–9999: not 1 BC's `0000`, not `+10000`, not Debezium's infinity
    /// stand-ins), as the snapshot's range; ±infinity NULL under `--infinity-as-null`.
    static func temporalCDC(from source: String, to target: String, policy: ValuePolicy) -> CDCRendering {
        let inRange = "{} >= '0001' AND {} < ':'"
        let text: String
        switch (source, target) {
        case ("date", "date"): text = "replace({}, 'Z', '')"
        case ("date", _): text = "concat(replace({}, 'Z', ''), ' 00:00:00')"
        case (_, "date"): text = "left({}, 10)"
        default: text = "replace(replace({}, 'T', ' '), 'Z', '')"
        }
        let infinities = ["date": ["-5877611-06-21Z", "-5877611-06-22Z"], "timestamp": ["+294247-01-10T04:00:25.2Z", "-290308-12-21T19:59:27.6Z"],
                          "timestamptz": ["infinity", "-infinity"]][source] ?? []
        return CDCRendering(expression: "if(\(inRange), \(text), NULL)",
                            nullWhen: policy.infinityAsNull ? "{} IN (\(infinities.map(quoted).joined(separator: ", ")))" : nil)
    }

    /// bit(1) arrives as a JSON boolean (`1`/`0` in a text column, `true`/`false` in older readers);
    /// bit(n) as base64 of its minimal little-endian bytes: byte k holds bits 8k..8k+7 counted from
    /// the last character. Decoded byte by byte, so n is limited.
    static let maxStreamedBits = 256

    static func bitsCDC(bits n: Int) -> CDCRendering {
        if n == 1 {
            return CDCRendering(expression: "if({} IN ('1', 'true'), '1', if({} IN ('0', 'false'), '0', NULL))")
        }
        guard n <= maxStreamedBits else {
            return .refused("Debezium sends bit(\(n)) as base64 bytes; pg2sr decodes up to bit(\(maxStreamedBits))")
        }
        let bytes = (n + 7) / 8
        let hex = "rpad(hex(from_base64({})), \(2 * bytes), '0')"
        let bitsText = (0..<bytes).reversed().map { "lpad(conv(substr(\(hex), \(2 * $0 + 1), 2), 16, 2), 8, '0')" }
        let all = bytes == 1 ? bitsText[0] : "concat(\(bitsText.joined(separator: ", ")))"
        let value = "if({} = '', repeat('0', \(n)), right(\(all), \(n)))"
        var checks = ["length(hex(from_base64({}))) <= \(2 * bytes) OR {} = ''"]
        let topBits = n - 8 * (bytes - 1)
        if topBits < 8 {
            checks.append("{} = '' OR CAST(conv(substr(\(hex), \(2 * bytes - 1), 2), 16, 10) AS INT) < \(1 << topBits)")
        }
        return CDCRendering(expression: value, checks: checks)
    }

    // MARK: - Arrays

    static func arrayCDC(_ column: SourceColumn, mapping: ColumnMapping, policy: ValuePolicy) -> CDCRendering {
        let element = column.elementTypeName ?? "?"
        if column.elementTypeKind == "d" { return .refused("Debezium does not send arrays of domain types") }
        if ["interval", "money", "name", "varbit", "xml", "point"].contains(element) {
            return .refused("Debezium does not send \(element)[] (no converter)")
        }
        guard mapping.starRocksType.hasPrefix("ARRAY<") else {
            if column.arrayDimensions > 1 { return .refused("Debezium sends multi-dimensional arrays as arrays of NULLs") }
            switch element {
            case "json", "jsonb", "hstore": return .refused("Debezium sends \(element)[] as an array of JSON texts, not the JSON the snapshot loads")
            case "bytea": return .refused("Debezium sends bytea[] as an array of hex strings, not the JSON the snapshot loads")
            default: return .refused("Debezium does not send \(element)[] in the form the snapshot loads")
            }
        }
        let anyElement = "null|"
        func every(_ elementPattern: String) -> String {
            let e = "(\(anyElement)\(elementPattern))"
            return "{} REGEXP \(quoted("^[[](\(e)(,\(e))*)?[]]$"))"
        }
        let year = "([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
        switch element {
        case "time": return .refused("Debezium sends time[] elements with millisecond precision (pgjdbc java.sql.Time)")
        case "timetz": return .refused("Debezium sends timetz[] elements without their fraction of a second")
        case "bit": return .refused("Debezium cannot convert bit[] (it sends NULL)")
        case "date", "timestamp", "timestamptz":
            if policy.infinityAsNull {
                return .refused("--infinity-as-null: an infinite \(element)[] element cannot become NULL in an ARRAY loaded as it is")
            }
            let pattern = element == "date" ? "\"\(year)-[0-9]{2}-[0-9]{2}Z\"" : "\"\(year)-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?Z\""
            return CDCRendering(checks: [every(pattern)])
        case "numeric":
            if column.typmod < 4 {
                return CDCRendering(checks: [every("\"" + decimalPattern(integerDigits: 28, fractionDigits: 10, anchored: false) + "\"")])
            }
            return CDCRendering()
        case "int4", "int8":
            let codes = toastPlaceholder.utf8.map(String.init).joined(separator: ",")
            return CDCRendering(checks: ["{} <> '[\(codes)]'"])
        case "text", "varchar", "bpchar", "citext":
            return CDCRendering(checks: ["{} <> \(quoted("[\"\(toastPlaceholder)\"]"))"])
        case "uuid":
            // UUID.nameUUIDFromBytes of the placeholder (UnchangedToastedPlaceholder).
            return CDCRendering(checks: ["{} <> '[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]'"])
        default:
            if column.elementTypeKind == "e" { return .refused("Debezium sends an enum[] with a NULL element as NULL") }
            return CDCRendering()
        }
    }

    // MARK: - --cast

    /// A `--cast` column streams only where Debezium's value of the source type converts to the cast's
    /// rendering exactly; anything else is refused.
    static func castCDC(_ requested: String, column: SourceColumn, mapping: ColumnMapping, policy: ValuePolicy) -> CDCRendering {
        let source = column.baseTypeCategory == "A" ? "array" : column.baseTypeName
        let integers: Set<String> = ["int2", "int4", "int8", "oid"]
        let type = mapping.starRocksType
        let refused = CDCRendering.refused("Debezium sends \(column.declaredType) in a form the --cast \(requested) rendering cannot be matched to")
        switch type.prefix(while: { $0.isLetter }) {
        case "VARCHAR":
            if ["text", "varchar", "citext", "uuid", "cidr", "macaddr", "macaddr8", "json", "jsonb"].contains(source) || integers.contains(source)
                || (column.baseTypeKind == "e" && source != "array") {
                return ["text", "varchar", "citext", "json", "jsonb"].contains(source) ? CDCRendering(checks: ["{} <> \(quoted(toastPlaceholder))"]) : CDCRendering()
            }
            if source == "numeric" {
                let negativeScale = column.typmod >= 4 && numericTypmod(column.typmod).1 < 0
                return CDCRendering(expression: numericSpellings(negativeScale ? "regexp_replace({}, '[.]0*$', '')" : "{}"))
            }
            return refused
        case "JSON":
            return ["json", "jsonb"].contains(source) || integers.contains(source) ? CDCRendering(expression: jsonValue, checks: ["NOT ({} REGEXP \(quoted(unsafeJSONNumber)))"]) : refused
        case "BIGINT", "INT", "SMALLINT":
            if integers.contains(source) { return CDCRendering() }
            return source == "numeric" ? CDCRendering(checks: ["{} REGEXP '^-?[0-9]+([.]0*)?$'"]) : refused
        case "DOUBLE", "FLOAT":
            return integers.contains(source) || source == "numeric" || source == "float8" || (source == "float4" && type == "FLOAT") ? CDCRendering() : refused
        case "BOOLEAN":
            return source == "bool" ? CDCRendering() : refused
        case "DATE", "DATETIME":
            return ["date", "timestamp", "timestamptz"].contains(source) ? temporalCDC(from: source, to: type == "DATE" ? "date" : "datetime", policy: policy) : refused
        case "DECIMAL":
            guard integers.contains(source) || source == "numeric" else { return refused }
            let parts = type.dropFirst(8).dropLast().split(separator: ",").compactMap { Int($0) }
            guard parts.count == 2 else { return refused }
            return CDCRendering(checks: ["{} REGEXP \(quoted(decimalPattern(integerDigits: parts[0] - parts[1], fractionDigits: parts[1], anchored: true)))"])
        default:
            return refused
        }
    }

    private static func quoted(_ text: String) -> String { StarRocksSQL.quoteString(text) }
}
