/// Builds the `COPY (SELECT ...) TO STDOUT` a chunk runs. CSV with `\N` for NULL: PostgreSQL
/// quotes any value that needs it (separator, quote, CR/LF) and a literal `\N` string, and
/// StarRocks reads it with `enclose: "` — see `StreamLoadFormat`.
public enum CopyStatement {
    public static func select(table: TableName, kind: String, columns: [ColumnMapping], chunk: ChunkSpec, filter: String?) -> String {
        let list = columns.map(\.selectExpression).joined(separator: ", ")
        // ONLY: a ctid range is per relation; inheritance children would be read again.
        var from = (kind == "r" ? "ONLY " : "") + table.sqlIdentifier
        for once in columns.compactMap(\.renderedOnce) {
            from += " CROSS JOIN LATERAL (SELECT \(once.expression) OFFSET 0) AS \(once.alias)(\(once.alias))"
        }
        var conditions: [String] = []
        if let predicate = chunk.predicate { conditions.append(predicate) }
        if let filter { conditions.append("(\(filter))") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return "SELECT \(list) FROM \(from)\(whereClause)"
    }

    public static func copy(_ select: String) -> String {
        "COPY (\(select)) TO STDOUT (FORMAT csv, NULL '\\N', ENCODING 'UTF8')"
    }
}
