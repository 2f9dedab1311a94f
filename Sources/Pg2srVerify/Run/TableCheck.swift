// One table under verification: its canonical types, key ranges and the predicates that select them.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget
import PostgresClient

/// One table under verification: its canonical column types, chunk boundaries, and per pass
/// the tallies (and, for narrowed chunks, the rows) of both sides.
final class TableCheck: @unchecked Sendable {
    let plan: TablePlan
    let types: [TargetType]
    /// Columns identifying a row (the key; every column for a table without one).
    let identity: [Int]
    /// Column whose ranges make the chunks.
    let rangeIndex: Int?
    var boundaries: [String] = []
    var targetExists = true
    var note: String?
    var chunkCount: Int { boundaries.count + 1 }

    let lock = NSLock()
    /// Latest tallies per chunk (a recheck replaces those of the chunks it read).
    var sourceTally: [ChunkTally] = []
    var targetTally: [ChunkTally] = []
    var passChunks: Set<Int> = []
    var collect: Set<Int> = []
    var sourceRows: [Int: [CanonicalRow]] = [:]
    var targetRows: [Int: [CanonicalRow]] = [:]
    /// Chunks still differing, to narrow or recheck.
    var pending: Set<Int> = []
    /// Chunks narrowed down in the latest pass that read them.
    var narrowedChunks: Set<Int> = []
    var keptSourceRows: [Int: [CanonicalRow]] = [:]
    var keptTargetRows: [Int: [CanonicalRow]] = [:]

    init(plan: TablePlan) {
        self.plan = plan
        types = plan.columns.map { TargetType($0.starRocksType) }
        let keys = plan.keyColumns.compactMap { key in plan.columns.firstIndex { $0.sourceName == key } }
        identity = keys.isEmpty ? Array(plan.columns.indices) : keys
        if let first = keys.first {
            rangeIndex = first
        } else if let first = plan.columns.indices.first, TargetType(plan.columns[first].starRocksType).isOrderable {
            rangeIndex = first
        } else {
            rangeIndex = nil
        }
    }

    /// The source table and the seed's row filter, as the verify statements take them.
    var sourcePlaceholders: [String: SQLValue] {
        ["only": .sql(plan.sourceKind == "r" ? "ONLY " : ""), "table": .qualified([plan.source.schema, plan.source.name]),
         "where": .sql(plan.filter.map { " WHERE (\($0))" } ?? "")]
    }

    func sourceExpression(_ index: Int) -> String {
        plan.columns[index].verifyRendering
    }

    /// Quantile boundaries of the range column, from all its values (small tables) or a block
    /// sample (large ones), in StarRocks order.
    func planChunks(connection: PostgresConnection, chunkRows: Int) throws {
        guard let rangeIndex, chunkRows > 0 else { return }
        var estimate = plan.estimatedRows
        do {
            if estimate <= 0 {
                estimate = Int64(try connection.execute(SQLTemplate("postgres/count_rows").render(sourcePlaceholders)).scalar ?? "0") ?? 0
            }
            guard estimate > Int64(chunkRows) else { return }
            let sampleTarget: Int64 = 500_000
            let percent = estimate > 2 * sampleTarget ? max(0.01, min(100, 100 * Double(sampleTarget) / Double(estimate))) : 100
            let sample = percent < 100 ? " TABLESAMPLE SYSTEM (\(percent))" : ""
            let sql = SQLTemplate("postgres/verify_sample").render(sourcePlaceholders.merging([
                "expression": .sql(sourceExpression(rangeIndex)), "sample": .sql(sample),
            ]) { $1 })
            let type = types[rangeIndex]
            var values = try connection.execute(sql).rows.compactMap { row -> String? in
                guard let text = row.first ?? nil else { return nil }
                return CanonicalValue.canonicalOrNil(text, as: type)
            }
            values.sort { CanonicalOrder.less($0, $1, type: type) }
            let rows = percent < 100 ? Int64(Double(values.count) * 100 / percent) : Int64(values.count)
            let count = Int(min(10_000, (rows + Int64(chunkRows) - 1) / Int64(chunkRows)))
            guard count > 1, !values.isEmpty else { return }
            var result: [String] = []
            for k in 1..<count {
                let candidate = values[min(values.count - 1, k * values.count / count)]
                if let last = result.last, !CanonicalOrder.less(last, candidate, type: type) { continue }
                if !CanonicalOrder.less(values[0], candidate, type: type) { continue } // chunk 0 would be empty
                result.append(candidate)
            }
            boundaries = result
        } catch let error as PostgresError {
            throw error.asSourceError("cannot sample \(plan.source) for verification")
        }
    }

    func chunk(of row: [String?]) -> Int {
        guard let rangeIndex else { return 0 }
        return CanonicalOrder.chunk(of: row[rangeIndex], boundaries: boundaries, type: types[rangeIndex])
    }

    /// The StarRocks predicate selecting chunk `index` (nil = the whole table).
    func targetPredicate(_ index: Int) -> String? {
        guard let rangeIndex, !boundaries.isEmpty else { return nil }
        let column = StarRocksSQL.quoteIdentifier(plan.columns[rangeIndex].targetName)
        let type = types[rangeIndex]
        func literal(_ value: String) -> String {
            switch type {
            case .integer, .boolean: value
            default: StarRocksSQL.quoteString(value)
            }
        }
        var conditions: [String] = []
        if index > 0 { conditions.append("\(column) >= \(literal(boundaries[index - 1]))") }
        if index < boundaries.count { conditions.append("\(column) < \(literal(boundaries[index]))") }
        var predicate = conditions.joined(separator: " AND ")
        if index == 0 { predicate = "(\(predicate) OR \(column) IS NULL)" }
        return predicate
    }

    func rangeDescription(_ index: Int) -> String {
        guard let rangeIndex, !boundaries.isEmpty else { return "whole table" }
        let lower = index > 0 ? boundaries[index - 1] : "-inf"
        let upper = index < boundaries.count ? boundaries[index] : "+inf"
        return "\(plan.columns[rangeIndex].targetName) in [\(lower), \(upper))" + (index == 0 ? " or NULL" : "")
    }
}
