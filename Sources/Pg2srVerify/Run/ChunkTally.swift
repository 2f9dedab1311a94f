// A chunk's checksum (row count and sum of row digests) and the canonical rows it is made of.

/// A row in canonical form with its digest.
struct CanonicalRow: Sendable {
    var values: [String?]
    var digest: UInt64
}

struct ChunkTally: Sendable, Equatable {
    var rows: Int64 = 0
    var sum: UInt64 = 0

    mutating func add(_ digest: UInt64) {
        rows += 1
        sum &+= digest
    }
}
