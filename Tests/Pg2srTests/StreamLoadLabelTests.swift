// Stream Load labels: deterministic, valid, distinct per run, table and chunk.
import Foundation
import Testing
@testable import Pg2srModel

@Suite struct StreamLoadLabelTests {
    @Test func labelsAreDeterministicAndValid() throws {
        let regex = try NSRegularExpression(pattern: "^[-\\w]{1,128}$")
        for table in ["orders", "Invoice Items", "表", String(repeating: "x", count: 300), "a\"b'c"] {
            let label = StreamLoadLabel.make(runID: "20261125T120000-abc", table: table, chunk: 12345)
            #expect(label == StreamLoadLabel.make(runID: "20261125T120000-abc", table: table, chunk: 12345))
            let range = NSRange(label.startIndex..., in: label)
            #expect(regex.firstMatch(in: label, range: range) != nil, "label \(label)")
            #expect(label.unicodeScalars.allSatisfy { $0.isASCII })
        }
    }

    @Test func labelsDifferPerRunTableAndChunk() {
        let base = StreamLoadLabel.make(runID: "r1", table: "t", chunk: 0)
        #expect(base != StreamLoadLabel.make(runID: "r2", table: "t", chunk: 0))
        #expect(base != StreamLoadLabel.make(runID: "r1", table: "u", chunk: 0))
        #expect(base != StreamLoadLabel.make(runID: "r1", table: "t", chunk: 1))
        // Names that sanitize alike still differ by their hash.
        #expect(StreamLoadLabel.make(runID: "r", table: "a b", chunk: 0) != StreamLoadLabel.make(runID: "r", table: "a_b", chunk: 0))
    }

    @Test func runIDValidation() {
        #expect(StreamLoadLabel.isValidRunID("nightly-2026_11"))
        #expect(!StreamLoadLabel.isValidRunID("with space"))
        #expect(!StreamLoadLabel.isValidRunID(""))
        #expect(!StreamLoadLabel.isValidRunID(String(repeating: "a", count: 41)))
    }
}
