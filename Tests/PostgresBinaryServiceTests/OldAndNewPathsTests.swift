import Testing
@testable import Pg2srCore
import PostgresBinary
import PostgresClient

/// Today's SELECT-list CSV COPY and the binary COPY rendered by PostgresBinary, byte for byte.
@Suite struct OldAndNewPathsTests {
    /// The first line where two CSV outputs differ, for a readable failure.
    static func firstDifference(_ old: [UInt8], _ new: [UInt8]) -> String? {
        guard old != new else { return nil }
        let oldLines = old.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let newLines = new.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, (a, b)) in zip(oldLines, newLines).enumerated() where a != b {
            return "line \(index + 1):\n old: \(String(decoding: a.prefix(600), as: UTF8.self))\n new: \(String(decoding: b.prefix(600), as: UTF8.self))"
        }
        return "\(oldLines.count) lines before, \(newLines.count) now"
    }

    static func expectIdentical(_ paths: CopyPaths, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let old = try paths.csv()
        let new = try paths.binary()
        switch (old, new) {
        case (.success(let a), .success(let b)):
            #expect(firstDifference(a, b) == nil, "\(firstDifference(a, b) ?? "")", sourceLocation: sourceLocation)
            #expect(!a.isEmpty, sourceLocation: sourceLocation)
        default:
            #expect(old == new, sourceLocation: sourceLocation)
        }
    }

    @Test func typeMatrixIsByteIdentical() throws {
        let connection = try TestCluster.freshDatabase("matrix")
        try connection.execute(MatrixFixture.sql)
        let paths = try CopyPaths(connection, table: "matrix")
        try Self.expectIdentical(paths)
        // Every column test_types.py covers is decoded except the types without a decoder.
        let rendered = paths.mappings.filter { $0.binaryEncoding?.kind == .rendered }.map(\.sourceName)
        #expect(rendered == ["mo", "ine", "cid", "mac", "mac8", "bi", "b1", "vb", "a2", "co", "hs"])
    }
}
