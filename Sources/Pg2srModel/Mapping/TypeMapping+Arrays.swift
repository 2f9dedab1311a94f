// One-dimensional arrays → ARRAY<T> (or JSON), with guards over their elements.
import Pg2srSupport

extension TypeMapping {
    /// One-dimensional arrays of scalars become ARRAY<T>, as the JSON-like text that is
    /// StarRocks' CSV array syntax; declared multi-dimensional arrays and other elements
    /// become JSON.
    static func array(_ column: SourceColumn, _ c: String, slot: OnceSlot?, target: TargetCapabilities, policy: ValuePolicy) -> Rendering {
        let asJSON = "array_to_json(\(c))::text"
        let json = Rendering.readingOnce(asJSON, slot: slot, type: "JSON", rejects: jsonSizeRejects)
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
        return Rendering(type: type, value: value, rejects: rejects(jsonText: asJSON, rendersJSON: false))
    }
}
