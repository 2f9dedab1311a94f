// The Stream Load headers that read PostgreSQL's COPY CSV exactly, strictly.
import Pg2srModel
import Pg2srSupport

/// The Stream Load headers that tell StarRocks how to read PostgreSQL's COPY CSV output
/// (`FORMAT csv, NULL '\N'`): comma-separated, `"`-enclosed with doubled quotes as literals,
/// `\N` unenclosed = NULL, every row checked strictly and none allowed to be filtered.
public enum StreamLoadFormat {
    public static func headers(label: String, columns: [ColumnMapping], timeoutSeconds: Int) -> [(String, String)] {
        [
            ("label", label),
            ("format", "csv"),
            ("column_separator", ","),
            ("enclose", "\""),
            ("columns", columnsHeader(columns)),
            ("strict_mode", "true"),
            ("max_filter_ratio", "0"),
            ("timeout", String(timeoutSeconds)),
        ]
    }

    /// Target columns by position, with a temporary name and a derived column where the mapping
    /// has a load expression: `` `id`,pg2sr_f1,`note`=if(...pg2sr_f1...) ``. A load expression that
    /// could give NULL for a field that is not (bytea, JSON) is checked by pg2sr's guard on the
    /// first key (else NOT NULL) column: strict mode does not cover expressions, and a NULL in a
    /// NOT NULL column fails the row, so the load (`LoadGuard`).
    static func columnsHeader(_ columns: [ColumnMapping]) -> String {
        var loadGuard = LoadGuard()
        for (index, column) in columns.enumerated() where column.loadExpressionMayFail {
            let field = "pg2sr_f\(index)"
            loadGuard.requireValue(column.loadExpression!.replacingOccurrences(of: "{}", with: field), of: field, type: column.starRocksType)
        }
        let guardColumn = loadGuard.isEmpty ? nil
            : columns.indices.first { columns[$0].keyPosition == 1 } ?? columns.indices.first { !columns[$0].nullable }
        var fields: [String] = []
        var derived: [String] = []
        for (index, column) in columns.enumerated() {
            let name = StarRocksSQL.quoteIdentifier(column.targetName)
            guard column.loadExpression != nil || index == guardColumn else {
                fields.append(name)
                continue
            }
            let temporary = "pg2sr_f\(index)"
            fields.append(temporary)
            let value = column.loadExpression?.replacingOccurrences(of: "{}", with: temporary) ?? temporary
            derived.append("\(name)=\(index == guardColumn ? loadGuard.guarding(value) : value)")
        }
        return (fields + derived).joined(separator: ",")
    }
}
