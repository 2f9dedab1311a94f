// Cuts a table into chunks: ctid block ranges or key ranges at quantiles.
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// Splits tables into chunks: ctid block ranges (TID Range Scans, PostgreSQL 14+) by
/// default, or key ranges at the quantiles of a `--split-by` column.
struct ChunkPlanner {
    let connection: PostgresConnection
    let options: ChunkingOptions

    func chunks(for table: SourceTable) throws -> [ChunkSpec] {
        let wanted = table.tableBytes > options.splitLargerThan
            ? Int((table.tableBytes + options.chunkSize - 1) / max(options.chunkSize, 1)) : 1
        if let column = options.splitColumn(for: table) {
            return try keyRanges(table, column: column, count: max(wanted, 1))
        }
        // A partitioned parent has no blocks of its own; its rows are in the partitions.
        guard wanted > 1, table.kind == "r", table.heapBlocks > 1 else {
            return [ChunkSpec(index: 0, predicate: nil, estimatedBytes: table.tableBytes, summary: "whole table")]
        }
        return Self.blockRanges(of: table.name, blocks: table.heapBlocks, tableBytes: table.tableBytes, count: wanted)
    }

    /// `count` contiguous block ranges; the first has no lower bound and the last no upper
    /// bound, so together they cover every tuple whatever the table's size when read. `ctid` is
    /// qualified: next to a LATERAL subquery (`ColumnMapping.RenderedOnce`) a bare one is refused.
    static func blockRanges(of table: TableName, blocks: Int64, tableBytes: Int64, count wanted: Int) -> [ChunkSpec] {
        let ctid = "\(table.sqlIdentifier).ctid"
        let count = Int(min(Int64(wanted), blocks))
        let perChunk = (blocks + Int64(count) - 1) / Int64(count)
        var chunks: [ChunkSpec] = []
        var lower: Int64 = 0
        while lower < blocks {
            let upper = lower + perChunk
            let isFirst = chunks.isEmpty
            let isLast = upper >= blocks
            var conditions: [String] = []
            if !isFirst { conditions.append("\(ctid) >= '(\(lower),0)'::tid") }
            if !isLast { conditions.append("\(ctid) < '(\(upper),0)'::tid") }
            chunks.append(ChunkSpec(index: chunks.count, predicate: conditions.joined(separator: " AND "),
                                    estimatedBytes: tableBytes * (min(upper, blocks) - lower) / max(blocks, 1),
                                    summary: "blocks \(lower)..\(isLast ? "end" : String(upper))"))
            lower = upper
        }
        return chunks
    }

    /// Ranges between the column's quantiles in the snapshot; NULLs go with the first range.
    private func keyRanges(_ table: SourceTable, column: String, count: Int) throws -> [ChunkSpec] {
        guard let source = table.columns.first(where: { $0.name == column }) else {
            throw Pg2srError.usage("--split-by: table \(table.name) has no column \(PostgresSQL.quoteIdentifier(column))")
        }
        let splittable = ["int2", "int4", "int8", "date", "timestamp", "timestamptz", "numeric"]
        guard splittable.contains(source.baseTypeName) else {
            throw Pg2srError.usage("--split-by: column \(table.name).\(PostgresSQL.quoteIdentifier(column)) is \(source.declaredType); an integer, numeric, date or timestamp column is needed")
        }
        let quoted = PostgresSQL.quoteIdentifier(column)
        var boundaries: [String] = []
        if count > 1 {
            let fractions = (1..<count).map { String(Double($0) / Double(count)) }
            // Large tables: quantiles of a ~1M-row block sample are close enough for balance.
            let sample = table.estimatedRows > 2_000_000
                ? "TABLESAMPLE SYSTEM (\(max(0.01, min(100, 100.0 * 1_000_000 / Double(table.estimatedRows)))))" : ""
            let sql = SQLTemplate("postgres/split_quantiles").render([
                "only": .sql(table.kind == "r" ? "ONLY " : ""), "table": .qualified([table.name.schema, table.name.name]),
                "column": .identifier(column), "sample": .sql(sample),
            ])
            do {
                boundaries = try connection.query(sql, ["{" + fractions.joined(separator: ",") + "}"]).rows.compactMap { $0[0] }
            } catch let error as PostgresError {
                throw error.asSourceError("cannot compute --split-by boundaries of \(table.name)")
            }
        }
        var chunks: [ChunkSpec] = []
        var previous: String?
        for boundary in boundaries + [nil as String?] {
            var conditions: [String] = []
            if let previous { conditions.append("\(quoted) >= \(PostgresSQL.quoteLiteral(previous))") }
            if let boundary { conditions.append("\(quoted) < \(PostgresSQL.quoteLiteral(boundary))") }
            var predicate = conditions.joined(separator: " AND ")
            if previous == nil { predicate = conditions.isEmpty ? "" : "(\(predicate) OR \(quoted) IS NULL)" }
            chunks.append(ChunkSpec(index: chunks.count, predicate: predicate.isEmpty ? nil : predicate,
                                    estimatedBytes: table.tableBytes / Int64(boundaries.count + 1),
                                    summary: "\(column) in [\(previous ?? "-inf"), \(boundary ?? "+inf"))"))
            previous = boundary
        }
        return chunks
    }
}
