// The counters workers update and the progress display, metrics and run record read.
import Foundation
import Pg2srModel
import Synchronization

/// Counters the workers update and the reporters read.
final class ProgressTracker: Sendable {
    private struct State {
        var tables: [TableProgress]
        var inFlightBytes: [Int: Int64] = [:]
    }

    private let state: Mutex<State>
    let startedAt = Date()

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

    func snapshot() -> (tables: [TableProgress], inFlight: [Int: Int64]) {
        state.withLock { ($0.tables, $0.inFlightBytes) }
    }
}
