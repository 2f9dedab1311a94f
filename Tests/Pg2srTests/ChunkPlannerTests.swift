// ctid block ranges: every tuple covered, open ends, never more chunks than blocks.
import Testing
@testable import Pg2srModel
@testable import Pg2srSource

@Suite struct ChunkPlannerTests {
    let table = TableName(schema: "s", name: "t")

    @Test func blockRangesCoverEverythingWithOpenEnds() {
        let chunks = ChunkPlanner.blockRanges(of: table, blocks: 10_000, tableBytes: 80_000_000, count: 4)
        #expect(chunks.count == 4)
        #expect(chunks.first?.predicate == "\"s\".\"t\".ctid < '(2500,0)'::tid")
        #expect(chunks[1].predicate == "\"s\".\"t\".ctid >= '(2500,0)'::tid AND \"s\".\"t\".ctid < '(5000,0)'::tid")
        #expect(chunks.last?.predicate == "\"s\".\"t\".ctid >= '(7500,0)'::tid")
        #expect(chunks.map(\.index) == [0, 1, 2, 3])
        #expect(chunks.reduce(0) { $0 + $1.estimatedBytes } == 80_000_000)
    }

    @Test func neverMoreChunksThanBlocks() {
        let chunks = ChunkPlanner.blockRanges(of: table, blocks: 3, tableBytes: 3 << 30, count: 100)
        #expect(chunks.count == 3)
    }

    @Test func unevenBlockCountsStillCoverTheTable() {
        let chunks = ChunkPlanner.blockRanges(of: table, blocks: 10, tableBytes: 100, count: 3)
        #expect(chunks.map(\.summary) == ["blocks 0..4", "blocks 4..8", "blocks 8..end"])
    }
}
