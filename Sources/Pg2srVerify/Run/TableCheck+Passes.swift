// A verification pass over a table's chunks: tallies of both sides, the rows of narrowed chunks.
import Foundation

extension TableCheck {
    func beginPass(chunks: Set<Int>, collect: Set<Int>) {
        lock.withLock {
            if sourceTally.isEmpty {
                sourceTally = Array(repeating: ChunkTally(), count: chunkCount)
                targetTally = Array(repeating: ChunkTally(), count: chunkCount)
            }
            for chunk in chunks {
                sourceTally[chunk] = ChunkTally()
                targetTally[chunk] = ChunkTally()
            }
            passChunks = chunks
            self.collect = collect
            sourceRows = [:]
            targetRows = [:]
        }
    }

    /// Whether pass rows of chunk `index` are wanted (tallied / kept).
    func wants(_ index: Int) -> (tally: Bool, keep: Bool) {
        (passChunks.contains(index), collect.contains(index))
    }

    func addSource(_ tallies: [Int: ChunkTally], rows: [Int: [CanonicalRow]]) {
        lock.withLock {
            for (chunk, tally) in tallies {
                sourceTally[chunk].rows += tally.rows
                sourceTally[chunk].sum &+= tally.sum
            }
            for (chunk, list) in rows { sourceRows[chunk, default: []] += list }
        }
    }

    func addTarget(chunk: Int, tally: ChunkTally, rows: [CanonicalRow]?) {
        lock.withLock {
            targetTally[chunk] = tally
            if let rows { targetRows[chunk] = rows }
        }
    }

    /// After a pass: the chunks whose tallies differ. A narrowing pass's rows are kept for the
    /// report (the next pass starts empty).
    func differingChunks() -> Set<Int> {
        lock.withLock {
            if !collect.isEmpty {
                for chunk in collect {
                    keptSourceRows[chunk] = sourceRows[chunk] ?? []
                    keptTargetRows[chunk] = targetRows[chunk] ?? []
                }
                narrowedChunks = collect
            }
            return Set((0..<chunkCount).filter { sourceTally[$0] != targetTally[$0] })
        }
    }
}
