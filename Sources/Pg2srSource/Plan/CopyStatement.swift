// The `COPY (SELECT …) TO STDOUT` one chunk runs (sql/postgres/copy_chunk.sql).
import Pg2srModel
import Pg2srSupport

/// Builds the `COPY (SELECT ...) TO STDOUT` a chunk runs. CSV with `\N` for NULL: PostgreSQL
/// quotes any value that needs it (separator, quote, CR/LF) and a literal `\N` string, and
/// StarRocks reads it with `enclose: "` — see `StreamLoadFormat`.
public enum CopyStatement {
    public static func copy(table: TableName, kind: String, columns: [ColumnMapping], chunk: ChunkSpec, filter: String?) -> String {
        // ONLY: a ctid range is per relation; inheritance children would be read again.
        var from = (kind == "r" ? "ONLY " : "") + table.sqlIdentifier
        for once in columns.compactMap(\.renderedOnce) {
            from += " CROSS JOIN LATERAL (SELECT \(once.expression) OFFSET 0) AS \(once.alias)(\(once.alias))"
        }
        var conditions: [String] = []
        if let predicate = chunk.predicate { conditions.append(predicate) }
        if let filter { conditions.append("(\(filter))") }
        return SQLTemplate("postgres/copy_chunk").render([
            "columns": .sql(columns.map(\.selectExpression).joined(separator: ", ")),
            "from": .sql(from),
            "where": .sql(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
        ])
    }
}

extension TablePlan {
    /// The `COPY ... TO STDOUT` of one chunk.
    public func copyStatement(for chunk: ChunkSpec) -> String {
        CopyStatement.copy(table: source, kind: sourceKind, columns: columns, chunk: chunk, filter: filter)
    }
}
