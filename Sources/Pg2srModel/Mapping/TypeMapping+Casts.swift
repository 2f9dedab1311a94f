// `--cast schema.table.column=type`: the renderings a user may force.
import Pg2srSupport

extension TypeMapping {
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
            return .readingOnce("to_json(\(c))::text", slot: slot, type: "JSON", rejects: jsonSizeRejects)
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
}
