import Foundation
import Testing
@testable import PostgresBinary

/// The stream around the values: framing, splits, truncation, CSV quoting, the spec's coding.
@Suite struct StreamTests {
    static let text = ColumnEncoding(.text)
    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let rows: [[[UInt8]?]] = [
        [Stream.int32(1), utf8("plain"), nil],
        [Stream.int32(-2), utf8("a,b \"q\"\r\n"), utf8("x")],
        [Stream.int32(3), utf8("\\N"), utf8("")],
    ]
    static let expected = "1,plain,\\N\n-2,\"a,b \"\"q\"\"\r\n\",x\n3,\"\\N\",\n"
    static let columns = Stream.columns([ColumnEncoding(.int4), text, text])

    @Test func rendersRowsWithPostgresCSVQuoting() throws {
        #expect(try Stream.render(Stream.messages(Self.rows), Self.columns) == Self.expected)
    }

    @Test func anySplitOfTheStreamRendersTheSame() throws {
        let whole = Stream.messages(Self.rows).flatMap { $0 }
        #expect(try Stream.render(whole.map { [$0] }, Self.columns) == Self.expected) // byte by byte
        #expect(try Stream.render([whole], Self.columns) == Self.expected) // all at once
        for cut in 1..<whole.count {
            #expect(try Stream.render([Array(whole[..<cut]), Array(whole[cut...])], Self.columns) == Self.expected)
        }
    }

    @Test func aTruncatedStreamIsAnError() throws {
        let whole = Stream.messages(Self.rows).flatMap { $0 }
        #expect(throws: BinaryCopyError.malformed("the stream ended without its end-of-data marker after 3 rows (truncated)")) {
            try Stream.render([Array(whole.dropLast(2))], Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("the stream ended without its end-of-data marker after 2 rows, inside a row (18 bytes of it) (truncated)")) {
            try Stream.render([Array(whole.dropLast(4))], Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("the stream ended before its 19-byte header was complete (10 bytes)")) {
            try Stream.render([Array(whole.prefix(10))], Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("the stream ended before its 19-byte header was complete (0 bytes)")) {
            try Stream.render([], Self.columns)
        }
    }

    @Test func aMalformedStreamSaysWhatWasExpected() throws {
        var wrongSignature = Stream.messages(Self.rows)
        wrongSignature[0][0] = UInt8(ascii: "X")
        #expect(throws: BinaryCopyError.malformed("the stream does not start with the binary COPY signature PGCOPY\\n\\377\\r\\n\\0")) {
            try Stream.render(wrongSignature, Self.columns)
        }
        var withOIDs = Stream.messages(Self.rows)
        withOIDs[0][12] = 1 // flags are bytes 11...14, big-endian: bit 16 is the low bit of byte 12
        #expect(throws: BinaryCopyError.malformed("the stream carries OIDs (header flag bit 16)")) { try Stream.render(withOIDs, Self.columns) }
        #expect(throws: BinaryCopyError.malformed("row 1 has 2 fields, expected 3")) {
            try Stream.render(Stream.messages([[Stream.int32(1), nil]]), Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("row 1, column public.t.c1: int4 value of 3 bytes, expected 4")) {
            try Stream.render(Stream.messages([[[1, 2, 3], nil, nil]]), Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("row 1 has a field of length -2")) {
            try Stream.render([Stream.header + Stream.int16(3) + Stream.int32(-2)], Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("2 bytes after the end-of-data marker")) {
            try Stream.render(Stream.messages(Self.rows) + [Stream.trailer], Self.columns)
        }
        #expect(throws: BinaryCopyError.malformed("row 1, column public.t.c1: numeric value of 10 bytes for 2 digits")) {
            try Stream.render(Stream.messages([[Stream.bytes(hex: "00020000000000000001")]]), Stream.columns([ColumnEncoding(.numeric)]))
        }
        #expect(throws: BinaryCopyError.malformed("row 1, column public.t.c1: array ends inside an element")) {
            try Stream.render(Stream.messages([[Stream.bytes(hex: "000000010000000000000017000000010000000100000004000000")]]),
                              Stream.columns([ColumnEncoding(.int4, isArray: true)]))
        }
    }

    @Test func aHeaderExtensionIsSkipped() throws {
        var messages = Stream.messages(Self.rows)
        messages[0] = Array(messages[0][..<15]) + Stream.int32(3) + [9, 9, 9] + Array(messages[0][19...])
        #expect(try Stream.render(messages, Self.columns) == Self.expected)
    }

    @Test func aRejectTakesItsRowBackOut() throws {
        let limited = ColumnEncoding(.text, checks: [ColumnEncoding.Check(.longerThan(bytes: 3), reason: "longer than 3 bytes")])
        var renderer = try BinaryCopyRenderer(columns: Stream.columns([ColumnEncoding(.int4), limited]))
        var output = ByteBuffer()
        let messages = Stream.messages([[Stream.int32(1), Self.utf8("abc")], [Stream.int32(2), Self.utf8("abcdé")]])
        _ = try messages[0].withUnsafeBytes { try renderer.render($0, into: &output) }
        #expect(throws: BinaryCopyError.rejected("public.t.c2: longer than 3 bytes: abcdé")) {
            _ = try messages[1].withUnsafeBytes { try renderer.render($0, into: &output) }
        }
        #expect(String(decoding: output.bytes, as: UTF8.self) == "1,abc\n")
        #expect(renderer.rows == 1)
    }

    @Test func endOfDataIsQuotedOnlyInAOneColumnCopy() throws {
        #expect(try Stream.render(Stream.messages([[Self.utf8("\\.")]]), Stream.columns([Self.text])) == "\"\\.\"\n")
        #expect(try Stream.render(Stream.messages([[Self.utf8("\\."), Self.utf8("\\.")]]), Stream.columns([Self.text, Self.text])) == "\\.,\\.\n")
    }

    @Test func onlyNullLiteralsGetOneMore() throws {
        let safe = ColumnEncoding(.text, nullLiteralSafe: true)
        let values = ["\\N", "\\N\\N", "\\N\\", "N", "", "\\n"]
        let csv = try Stream.render(Stream.messages(values.map { [Self.utf8($0)] }), Stream.columns([safe]))
        #expect(csv == "\\N\\N\n\\N\\N\\N\n\\N\\\nN\n\n\\n\n")
    }

    @Test func theSpecCodesCompactlyAndOldRecordsDecode() throws {
        let encoding = ColumnEncoding(.date, isArray: true, infinityAsNull: true,
                                      checks: [ColumnEncoding.Check(.outsideDateRange, reason: "r", infiniteReason: "i")])
        let data = try JSONEncoder().encode(encoding)
        #expect(try JSONDecoder().decode(ColumnEncoding.self, from: data) == encoding)
        #expect(try JSONDecoder().decode(ColumnEncoding.self, from: Data(#"{"kind":"int4"}"#.utf8)) == ColumnEncoding(.int4))
        #expect(String(decoding: try JSONEncoder().encode(ColumnEncoding(.int8)), as: UTF8.self) == #"{"kind":"int8"}"#)
    }
}

/// The JSON number check's fast pre-test equals the plain scan of the SQL's regular expression.
@Suite struct JSONNumberTests {
    @Test func theSkippingPretestEqualsThePlainScan() {
        var random = FloatTextTests.SplitMix64(state: 5)
        let alphabet = Array("0123456789..eE+-\" ,:{}[]ax".utf8)
        for _ in 0..<100_000 {
            let length = Int(random.next() % 60)
            let text = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            text.withUnsafeBytes { bytes in
                for exponents in [false, true] {
                    #expect(JSONNumbers.mayHoldInexact(bytes, exponents: exponents) == JSONNumbers.mayHoldInexactByScanning(bytes, exponents: exponents),
                            "\(String(decoding: text, as: UTF8.self)) exponents: \(exponents)")
                }
            }
        }
    }

    @Test(arguments: [
        ("0", true), ("-0", true), ("18446744073709551615", true), ("18446744073709551616", false), ("-9223372036854775808", true),
        ("-9223372036854775809", false), ("1e308", true), ("1e309", false), ("1e-307", true), ("1e-308", false), ("0.1", true),
        ("0.10000000000000000555", false), ("123456789012345678901234567890", false), ("1.5e300", true), ("9007199254740993", true),
        ("9007199254740993.5", false), ("1E+2", true), ("100000000000000000000000000000000", true), ("0.30000000000000004", true),
        ("99999999999999999999", false), ("1.7976931348623157e308", false),
    ])
    func numbersStarRocksHoldsExactly(literal: String, exact: Bool) {
        #expect(Array(literal.utf8).withUnsafeBytes { JSONNumbers.isExact($0) } == exact)
    }
}
