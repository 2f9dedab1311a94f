import Foundation
import Synchronization

/// Counters the workers update and the reporters read.
public final class ProgressTracker: Sendable {
    public struct TableProgress: Sendable, Codable {
        public var table: String
        public var target: String
        public var rows: Int64 = 0
        public var bytes: Int64 = 0
        public var chunksDone = 0
        public var chunksTotal: Int
        public var chunksSkipped = 0
        public var estimatedBytes: Int64
    }

    private struct State {
        var tables: [TableProgress]
        var inFlightBytes: [Int: Int64] = [:]
    }

    private let state: Mutex<State>
    public let startedAt = Date()

    init(plan: SeedPlan) {
        state = Mutex(State(tables: plan.tables.map {
            TableProgress(table: $0.source.description, target: $0.targetTable, chunksTotal: $0.chunks.count, estimatedBytes: $0.estimatedBytes)
        }))
    }

    /// Bytes handed to a running upload (not yet confirmed).
    func addInFlight(table: Int, bytes: Int) {
        state.withLock { $0.inFlightBytes[table, default: 0] += Int64(bytes) }
    }

    func chunkFinished(table: Int, rows: Int64, bytes: Int64, sentBytes: Int64, skipped: Bool) {
        state.withLock { state in
            state.tables[table].rows += rows
            state.tables[table].bytes += bytes
            state.tables[table].chunksDone += 1
            if skipped { state.tables[table].chunksSkipped += 1 }
            state.inFlightBytes[table, default: 0] -= sentBytes
        }
    }

    func chunkAbandoned(table: Int, sentBytes: Int64) {
        state.withLock { $0.inFlightBytes[table, default: 0] -= sentBytes }
    }

    public func snapshot() -> (tables: [TableProgress], inFlight: [Int: Int64]) {
        state.withLock { ($0.tables, $0.inFlightBytes) }
    }
}
