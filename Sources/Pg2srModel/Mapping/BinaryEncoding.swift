import PostgresBinary

/// The binary-COPY side of a column's mapping: which send format PostgresBinary decodes and the
/// checks it applies, taken from the same `Rendering` that builds the SQL — the reasons are the
/// rendering's own reject reasons, in its order. Types and renderings without a decoder (money,
/// hstore, inet/cidr, macaddr, bit/varbit, composites, JSON-mapped arrays, every `--cast`) travel
/// as `.rendered`: the COPY selects the SQL rendering as text, guards included. Where the
/// rendering carries rejects this file does not know (a guard added later), the column falls back
/// to `.rendered` too, so the decoded path never checks less than the SQL.
extension TypeMapping {
    static func binaryEncoding(_ column: SourceColumn, _ rendering: Rendering, target: TargetCapabilities, policy: ValuePolicy) -> ColumnEncoding {
        let encoding = column.baseTypeCategory == "A"
            ? arrayEncoding(column, rendering, target: target, policy: policy)
            : scalarEncoding(typeName: column.baseTypeName, kind: column.baseTypeKind, rendering, target: target)
        return encoding ?? .rendered
    }

    /// The decoded kind of a scalar type, and the conditions its rejects test (in their order).
    private static func decoded(typeName: String, kind: String, type: String, rejectCount: Int,
                                target: TargetCapabilities) -> (ColumnEncoding.Kind, [ColumnEncoding.Check.Condition])? {
        switch typeName {
        case "int2": return (.int2, [])
        case "int4": return (.int4, [])
        case "int8": return (.int8, [])
        case "oid": return (.oid, [])
        case "float4": return (.float4, [])
        case "float8": return (.float8, [])
        case "bool": return (.bool, [])
        case "numeric":
            if type.hasPrefix("VARCHAR") { return (.numeric, []) } // wider than the target's DECIMAL: the text
            return rejectCount == 1 ? (.numeric, [.notANumber]) : (.numeric, [.notFinite, .outsideDecimal(integerDigits: 28, fractionDigits: 10)])
        case "varchar", "bpchar", "text", "citext", "name":
            return (.text, rejectCount == 0 ? [] : [.longerThan(bytes: target.maxVarcharBytes)])
        case "uuid": return (.uuid, [])
        case "json": return (.json, [.longerThan(bytes: jsonTextLimit), .inexactJSONNumber])
        case "jsonb": return (.jsonb, [.longerThan(bytes: jsonTextLimit), .inexactJSONNumber])
        case "bytea": return (.bytea, [.longerThan(bytes: target.maxVarcharBytes)])
        case "date": return (.date, [.outsideDateRange])
        case "timestamp": return (.timestamp, [.outsideDateRange])
        case "timestamptz": return (.timestamptz, [.outsideDateRange])
        case "time": return (.time, [])
        case "timetz": return (.timetz, [])
        case "interval": return (.interval, [])
        default: return kind == "e" ? (.text, []) : nil
        }
    }

    private static func checks(_ conditions: [ColumnEncoding.Check.Condition], _ rejects: [ValueGuard.Reject]) -> [ColumnEncoding.Check]? {
        guard conditions.count == rejects.count else { return nil }
        return zip(conditions, rejects).map { ColumnEncoding.Check($0, reason: $1.reason, infiniteReason: $1.specific?.reason) }
    }

    private static func scalarEncoding(typeName: String, kind: String, _ rendering: Rendering, target: TargetCapabilities) -> ColumnEncoding? {
        guard let (decodedKind, conditions) = decoded(typeName: typeName, kind: kind, type: rendering.type, rejectCount: rendering.rejects.count, target: target),
              let checks = checks(conditions, rendering.rejects) else { return nil }
        return ColumnEncoding(decodedKind, infinityAsNull: rendering.nullWhen != nil, nullLiteralSafe: rendering.transportSafe, checks: checks)
    }

    /// ARRAY<T> columns: the shape checks, the element's checks over every element, and for
    /// string elements the escaping check. JSON-mapped arrays stay `.rendered`.
    private static func arrayEncoding(_ column: SourceColumn, _ rendering: Rendering, target: TargetCapabilities, policy: ValuePolicy) -> ColumnEncoding? {
        guard rendering.type.hasPrefix("ARRAY<"), let element = column.elementTypeName, let elementKind = column.elementTypeKind else { return nil }
        let isString = rendering.type.hasPrefix("ARRAY<VARCHAR")
        let elementRejects = rendering.rejects.count - 2 - (isString ? 1 : 0)
        guard elementRejects >= 0,
              let (kind, elementConditions) = decoded(typeName: element, kind: elementKind, type: String(rendering.type.dropFirst(6)),
                                                      rejectCount: elementRejects, target: target),
              ![.bytea, .json, .jsonb].contains(kind) else { return nil }
        let conditions: [ColumnEncoding.Check.Condition] = [.multiDimensional, .lowerBoundNotOne] + elementConditions + (isString ? [.elementNeedsEscaping] : [])
        guard let checks = checks(conditions, rendering.rejects) else { return nil }
        let temporal: Set<ColumnEncoding.Kind> = [.date, .timestamp, .timestamptz]
        return ColumnEncoding(kind, isArray: true, infinityAsNull: policy.infinityAsNull && temporal.contains(kind), checks: checks)
    }
}

extension ColumnMapping {
    /// The column as PostgresBinary's renderer takes it, its rejects naming `table` as the SQL
    /// guards do.
    public func binaryCopyColumn(of table: TableName) -> BinaryCopyColumn {
        BinaryCopyColumn(label: "\(table).\(sourceName)", encoding: binaryEncoding ?? .rendered)
    }
}
