// The one queue of chunks all workers pull from, largest first.
import Synchronization

/// All chunks of all tables in one queue, largest first, pulled by the workers (a table loaded in
/// one transaction is one task the size of the table).
final class ChunkQueue: Sendable {
    private let tasks: Mutex<[ChunkTask]>

    init(_ tasks: [ChunkTask]) {
        // Largest first: the long chunks start early, the short ones fill the gaps at the end.
        // Sorted ascending so that popLast() hands out the largest; ties in plan order.
        self.tasks = Mutex(tasks.sorted {
            ($0.estimatedBytes, $1.tableIndex, $1.chunk.index) < ($1.estimatedBytes, $0.tableIndex, $0.chunk.index)
        })
    }

    func next() -> ChunkTask? {
        tasks.withLock { $0.popLast() }
    }

    /// Drops what is left (fatal error or interruption).
    func drain() {
        tasks.withLock { $0.removeAll() }
    }
}
