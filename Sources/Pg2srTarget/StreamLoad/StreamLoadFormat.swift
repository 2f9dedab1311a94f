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
    /// has a load expression: `` `id`,pg2sr_f1,`note`=if(...pg2sr_f1...) ``.
    static func columnsHeader(_ columns: [ColumnMapping]) -> String {
        var fields: [String] = []
        var derived: [String] = []
        for (index, column) in columns.enumerated() {
            let name = StarRocksSQL.quoteIdentifier(column.targetName)
            if let expression = column.loadExpression {
                let temporary = "pg2sr_f\(index)"
                fields.append(temporary)
                derived.append("\(name)=\(expression.replacingOccurrences(of: "{}", with: temporary))")
            } else {
                fields.append(name)
            }
        }
        return (fields + derived).joined(separator: ",")
    }
}
