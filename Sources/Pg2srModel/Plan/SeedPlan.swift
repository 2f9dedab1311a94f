// What a seed run will do, decided before any data moves.

/// Every table's plan; stored in the run record so a resumed run uses the same chunks (and so
/// the same labels).
public struct SeedPlan: Codable, Sendable {
    public var tables: [TablePlan]

    public init(tables: [TablePlan]) { self.tables = tables }

    public var chunkCount: Int { tables.reduce(0) { $0 + $1.chunks.count } }
}
