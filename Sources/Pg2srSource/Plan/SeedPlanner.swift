// Turns the selection into a plan inside the snapshot: tables, column mappings, keys, chunks.
import Foundation
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// Turns the selection into a plan inside the snapshot: tables, column mappings, keys, chunks.
public struct SeedPlanner {
    let connection: PostgresConnection
    let options: PlanOptions
    /// Locks the selected tables (ACCESS SHARE, bounded wait) before reading their sizes.
    let locking: TableLocker

    /// Plans on the snapshot's own connection; tables are locked for at most `lockWaitTimeoutMilliseconds`.
    public init(snapshot: SnapshotProvider, connector: SourceConnector, options: PlanOptions, lockWaitTimeoutMilliseconds: Int) {
        connection = snapshot.catalogConnection
        self.options = options
        locking = TableLocker(connector: connector, timeoutMilliseconds: lockWaitTimeoutMilliseconds)
    }

    public func plan(log: Logger) throws -> SeedPlan {
        let catalog = SourceCatalog(connection: connection)
        let tables: [SourceTable]
        do {
            let candidates = try catalog.tables()
            let selected = try options.selection.resolve(in: candidates) { try catalog.foreignKeyTargets(of: $0) }
            try locking.lock(selected, on: connection)
            tables = try catalog.withColumns(try catalog.withSizes(selected))
        } catch let error as PostgresError {
            throw error.asSourceError("cannot read the source catalog")
        }
        let filters = try Dictionary(options.rowFilters.map { try PlanOptions.splitAssignment($0, option: "--where") }, uniquingKeysWith: { _, last in last })
        let targetNames = try Dictionary(options.targetNames.map { try PlanOptions.splitAssignment($0, option: "--target-table") }, uniquingKeysWith: { _, last in last })
        let keyOverrides = try Dictionary(options.keyOverrides.map { try PlanOptions.splitAssignment($0, option: "--key") }, uniquingKeysWith: { _, last in last })
        let casts = try parseCasts()
        let selectedNames = Set(tables.map(\.name))
        for name in Array(filters.keys) + Array(targetNames.keys) + Array(keyOverrides.keys) + casts.keys.map(\.table) where !selectedNames.contains(name) {
            throw Pg2srError.usage("an option names table \(name), which is not among the selected tables")
        }

        let planner = ChunkPlanner(connection: connection, options: options.chunking)
        var plans: [TablePlan] = []
        for table in tables {
            guard !table.columns.isEmpty else { throw Pg2srError.source("table \(table.name) has no columns") }
            var mappings = try table.columns.enumerated().map { index, column in
                try TypeMapping.map(column, of: table.name, position: index + 1, castOverride: casts[ColumnKey(table: table.name, column: column.name)],
                                    policy: options.policy, target: options.capabilities)
            }
            for (key, _) in casts where key.table == table.name && !table.columns.contains(where: { $0.name == key.column }) {
                throw Pg2srError.usage("--cast names column \(key.column), which table \(table.name) does not have")
            }
            var keys = table.primaryKey
            if let override = keyOverrides[table.name] {
                keys = override.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for key in keys where !table.columns.contains(where: { $0.name == key }) {
                    throw Pg2srError.usage("--key for \(table.name): no column \(key)")
                }
                for index in mappings.indices {
                    mappings[index].keyPosition = (keys.firstIndex(of: mappings[index].sourceName) ?? -1) + 1
                    guard mappings[index].keyPosition > 0 else { continue }
                    mappings[index].nullable = false // a NULL in it then fails the load loudly (strict mode)
                    guard TypeMapping.isKeyType(mappings[index].starRocksType) else {
                        throw Pg2srError.usage("--key for \(table.name): column \(mappings[index].sourceName) maps to \(mappings[index].starRocksType), which StarRocks does not allow in a key (use --cast to a key type)")
                    }
                }
            }
            mappings = TablePlan.keyColumnsFirst(mappings)
            try checkTargetColumnNames(mappings, table: table.name)
            if keys.isEmpty {
                log.warning("table \(table.name) has no primary key: it becomes a DUPLICATE KEY table, to which CDC updates and deletes cannot apply (name a key with --key '\(table.name.qualifiedPlain)=col')")
            }
            plans.append(TablePlan(source: table.name, sourceKind: table.kind, targetTable: targetNames[table.name] ?? table.name.name, columns: mappings,
                                   chunks: try planner.chunks(for: table), filter: filters[table.name],
                                   estimatedBytes: table.tableBytes, estimatedRows: table.estimatedRows, keyColumns: keys))
        }
        var seen: [String: TableName] = [:]
        for plan in plans {
            if let other = seen[plan.targetTable.lowercased()] {
                throw Pg2srError.usage("tables \(other) and \(plan.source) would both load into target table \(plan.targetTable); name one with --target-table")
            }
            seen[plan.targetTable.lowercased()] = plan.source
        }
        return SeedPlan(tables: plans)
    }

    private struct ColumnKey: Hashable {
        var table: TableName
        var column: String
    }

    /// `--cast schema.table.column=type` (PostgreSQL identifier syntax for the name).
    private func parseCasts() throws -> [ColumnKey: String] {
        var casts: [ColumnKey: String] = [:]
        for text in options.casts {
            guard let equals = text.lastIndex(of: "=") else { throw Pg2srError.usage("--cast '\(text)' is not schema.table.column=type") }
            let parts = try TableName.splitIdentifiers(String(text[..<equals]))
            guard parts.count == 3 else { throw Pg2srError.usage("--cast '\(text)' must name schema.table.column") }
            casts[ColumnKey(table: TableName(schema: parts[0], name: parts[1]), column: parts[2])] = String(text[text.index(after: equals)...])
        }
        return casts
    }

    /// StarRocks column names are case-insensitive: two source columns differing only in case
    /// cannot both exist in the target.
    private func checkTargetColumnNames(_ mappings: [ColumnMapping], table: TableName) throws {
        var seen: [String: String] = [:]
        for mapping in mappings {
            if let other = seen[mapping.targetName.lowercased()] {
                throw Pg2srError.usage("table \(table) has columns \(other) and \(mapping.targetName), which StarRocks cannot tell apart (column names are case-insensitive)")
            }
            seen[mapping.targetName.lowercased()] = mapping.targetName
        }
    }
}
