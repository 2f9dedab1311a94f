// The `COPY (SELECT …) TO STDOUT` one chunk runs, as CSV or binary (sql/postgres/copy_chunk*.sql).
import Pg2srModel
import Pg2srSupport

/// Builds the `COPY (SELECT ...) TO STDOUT` a chunk runs. CSV with `\N` for NULL: PostgreSQL
/// quotes any value that needs it (separator, quote, CR/LF) and a literal `\N` string, and
/// StarRocks reads it with `enclose: "` — see `StreamLoadFormat`. The binary form selects the
/// plain columns `PostgresBinary` decodes and renders into the same CSV.
public enum CopyStatement {
    /// The SELECT of the text path: every column as its SQL rendering.
    public static func select(table: TableName, kind: String, columns: [ColumnMapping], chunk: ChunkSpec, filter: String?) -> String {
        let list = columns.map(\.selectExpression).joined(separator: ", ")
        return "SELECT \(list) FROM \(from(table: table, kind: kind, once: columns.compactMap(\.renderedOnce), chunk: chunk, filter: filter))"
    }

    /// The SELECT of a binary COPY: each column PostgresBinary decodes as it is, each text fallback
    /// (`ColumnEncoding.rendered`, or no encoding) as its SQL rendering cast to text — with the
    /// `RenderedOnce` joins only those need.
    public static func binarySelect(table: TableName, kind: String, columns: [ColumnMapping], chunk: ChunkSpec, filter: String?) -> String {
        let rendered = columns.filter { ($0.binaryEncoding ?? .rendered).kind == .rendered }
        let list = columns.map { column in
            (column.binaryEncoding ?? .rendered).kind == .rendered ? "(\(column.selectExpression))::text" : PostgresSQL.quoteIdentifier(column.sourceName)
        }.joined(separator: ", ")
        return "SELECT \(list) FROM \(from(table: table, kind: kind, once: rendered.compactMap(\.renderedOnce), chunk: chunk, filter: filter))"
    }

    /// The text-path COPY of one chunk.
    public static func copy(table: TableName, kind: String, columns: [ColumnMapping], chunk: ChunkSpec, filter: String?) -> String {
        copy(select(table: table, kind: kind, columns: columns, chunk: chunk, filter: filter))
    }

    public static func copy(_ select: String) -> String {
        SQLTemplate("postgres/copy_chunk").render(["select": .sql(select)])
    }

    public static func binaryCopy(_ select: String) -> String {
        SQLTemplate("postgres/copy_chunk_binary").render(["select": .sql(select)])
    }

    private static func from(table: TableName, kind: String, once: [ColumnMapping.RenderedOnce], chunk: ChunkSpec, filter: String?) -> String {
        // ONLY: a ctid range is per relation; inheritance children would be read again.
        var from = (kind == "r" ? "ONLY " : "") + table.sqlIdentifier
        for once in once {
            from += " CROSS JOIN LATERAL (SELECT \(once.expression) OFFSET 0) AS \(once.alias)(\(once.alias))"
        }
        var conditions: [String] = []
        if let predicate = chunk.predicate { conditions.append(predicate) }
        if let filter { conditions.append("(\(filter))") }
        return from + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
    }
}

extension TablePlan {
    /// The `COPY ... TO STDOUT` of one chunk.
    public func copyStatement(for chunk: ChunkSpec) -> String {
        CopyStatement.copy(table: source, kind: sourceKind, columns: columns, chunk: chunk, filter: filter)
    }
}
