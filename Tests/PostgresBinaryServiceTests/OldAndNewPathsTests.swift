import Testing
@testable import Pg2srModel
@testable import Pg2srSource
import Pg2srSupport
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
        try connection.execute(TestCluster.run(["Tests/integration/type_matrix_sql.py"])) // test_types.py's matrix
        let paths = try CopyPaths(connection, table: "matrix")
        try Self.expectIdentical(paths)
        // Every column test_types.py covers is decoded except the types without a decoder.
        let rendered = paths.mappings.filter { $0.binaryEncoding?.kind == .rendered }.map(\.sourceName)
        #expect(rendered == ["mo", "ine", "cid", "mac", "mac8", "bi", "b1", "vb", "a2", "co", "hs"])

        // PostgreSQL's own messages re-cut into 7-byte pieces render the same; without the last
        // message (the end-of-data marker) the stream is truncated.
        let messages = try paths.binaryMessages()
        #expect(messages.count == Int(try connection.execute("SELECT count(*) FROM matrix").scalar ?? "").map { $0 + 1 }) // a row per message
        let whole = messages.flatMap { $0 }
        let pieces = stride(from: 0, to: whole.count, by: 7).map { Array(whole[$0..<min($0 + 7, whole.count)]) }
        let columns = paths.mappings.map { $0.binaryCopyColumn(of: paths.table) }
        #expect(try Self.render(pieces, columns) == (try paths.binary().get()))
        #expect(throws: BinaryCopyError.self) { try Self.render(Array(messages.dropLast()), columns) }
    }

    static func render(_ messages: [[UInt8]], _ columns: [BinaryCopyColumn]) throws -> [UInt8] {
        var renderer = try BinaryCopyRenderer(columns: columns)
        var output = ByteBuffer()
        for message in messages { _ = try message.withUnsafeBytes { try renderer.render($0, into: &output) } }
        try renderer.finish()
        return Array(output.bytes)
    }
}
