import Testing
@testable import PostgresBinary

/// Each decoder at its edges against PostgreSQL's own text output of the same values (Vectors).
@Suite struct DecoderTests {
    @Test(arguments: Vectors.numeric)
    func numericPrintsAsNumericOut(hex: String, text: String) throws {
        #expect(try Stream.postgresText(.numeric, hex: hex) == text)
        #expect(try Stream.field(ColumnEncoding(.numeric), hex: hex) == text)
    }

    @Test(arguments: Vectors.timestamp)
    func timestampPrintsAsTimestampOutAndToJSON(hex: String, text: String, json: String) throws {
        #expect(try Stream.postgresText(.timestamp, hex: hex) == text)
        #expect(try Stream.field(ColumnEncoding(.timestamp), hex: hex) == text)
        var out = ByteBuffer()
        try Stream.bytes(hex: hex).withUnsafeBytes { try BinaryCopyRenderer.writeJSONElement(.timestamp, $0, infinityAsNull: false, into: &out) }
        #expect(String(decoding: out.bytes, as: UTF8.self) == json)
    }

    @Test(arguments: Vectors.timestamptz)
    func timestamptzPrintsInUTC(hex: String, text: String, utc: String) throws {
        #expect(try Stream.postgresText(.timestamptz, hex: hex) == text)
        #expect(try Stream.field(ColumnEncoding(.timestamptz), hex: hex) == utc)
    }

    @Test(arguments: Vectors.date)
    func datePrintsAsDateOut(hex: String, text: String) throws {
        #expect(try Stream.postgresText(.date, hex: hex) == text)
        #expect(try Stream.field(ColumnEncoding(.date), hex: hex) == text)
    }

    @Test(arguments: Vectors.time)
    func timeGetsDebeziumsZ(hex: String, text: String) throws {
        #expect(try Stream.postgresText(.time, hex: hex) == text)
        // 24:00:00 as Debezium sends it (docs/cdc-fidelity.md): 00:00:00Z.
        #expect(try Stream.field(ColumnEncoding(.time), hex: hex) == (text == "24:00:00" ? "00:00:00" : text) + "Z")
    }

    @Test(arguments: Vectors.timetz)
    func timetzIsConvertedToUTC(hex: String, text: String, utc: String) throws {
        #expect(try Stream.postgresText(.timetz, hex: hex) == text)
        #expect(try Stream.field(ColumnEncoding(.timetz), hex: hex) == utc + "Z")
    }

    @Test(arguments: Vectors.interval)
    func intervalPrintsInPostgresStyle(hex: String, text: String) throws {
        #expect(try Stream.postgresText(.interval, hex: hex) == text)
    }

    @Test(arguments: Vectors.debeziumInterval)
    func intervalRendersAsTheSQLsDebeziumForm(hex: String, text: String) throws {
        #expect(try Stream.field(ColumnEncoding(.interval), hex: hex) == text)
    }

    @Test(arguments: Vectors.jsonb)
    func jsonbSkipsItsVersionByte(hex: String, text: String) throws {
        #expect(try Stream.postgresText(.jsonb, hex: hex) == text)
    }

    @Test func jsonbOfAnotherVersionIsMalformed() {
        #expect(throws: BinaryCopyError.malformed("row 1, column public.t.c1: jsonb version 2, expected 1")) {
            try Stream.field(ColumnEncoding(.jsonb), hex: "025b5d")
        }
    }

    @Test(arguments: Vectors.intArray)
    func intArraysPrintAsArrayOut(hex: String, text: String, json: String) throws {
        let bytes = Stream.bytes(hex: hex)
        var out = ByteBuffer(), scratch = ByteBuffer()
        try bytes.withUnsafeBytes { try ArrayValue($0).writePostgresText(kind: .int4, into: &out, scratch: &scratch) }
        #expect(String(decoding: out.bytes, as: UTF8.self) == text)
        if !text.contains("{{") && !text.hasPrefix("[") { // one dimension, lower bound 1: rendered as array_to_json
            let csv = try Stream.field(ColumnEncoding(.int4, isArray: true), hex: hex)
            #expect(csv == (json.contains(",") ? "\"\(json)\"" : json))
        }
    }

    @Test(arguments: Vectors.textArray)
    func textArraysQuoteAsArrayOutDoes(hex: String, text: String, json: String) throws {
        var out = ByteBuffer(), scratch = ByteBuffer()
        try Stream.bytes(hex: hex).withUnsafeBytes { try ArrayValue($0).writePostgresText(kind: .text, into: &out, scratch: &scratch) }
        #expect(String(decoding: out.bytes, as: UTF8.self) == text)
    }

    @Test func arraysWithNullsAndLowerBoundsAreChecked() throws {
        let shape = [ColumnEncoding.Check(.multiDimensional, reason: "multi"), ColumnEncoding.Check(.lowerBoundNotOne, reason: "bound")]
        let encoding = ColumnEncoding(.int4, isArray: true, checks: shape)
        #expect(try Stream.field(encoding, hex: Vectors.intArray[0].0) == #""[1,null,-2147483648]""#)
        #expect(try Stream.field(encoding, hex: Vectors.intArray[1].0) == "[]")
        #expect(throws: BinaryCopyError.rejected("public.t.c1: bound: [0:1]={1,2}")) { try Stream.field(encoding, hex: Vectors.intArray[2].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: multi: {{1,2},{3,4}}")) { try Stream.field(encoding, hex: Vectors.intArray[3].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: bound: [-5:-4]={NULL,7}")) { try Stream.field(encoding, hex: Vectors.intArray[4].0) }
    }

    @Test(arguments: Vectors.uuid + Vectors.float8.map { ($0.0, $0.1) })
    func fixedSizeValues(hex: String, text: String) throws {
        let kind: ColumnEncoding.Kind = hex.count == 32 ? .uuid : .float8
        #expect(try Stream.field(ColumnEncoding(kind), hex: hex) == text)
    }

    @Test func numericChecksFollowTheDecimal() throws {
        let checks = [ColumnEncoding.Check(.notFinite, reason: "special"), ColumnEncoding.Check(.outsideDecimal(integerDigits: 28, fractionDigits: 10), reason: "fit")]
        let encoding = ColumnEncoding(.numeric, checks: checks)
        #expect(throws: BinaryCopyError.rejected("public.t.c1: special: NaN")) { try Stream.field(encoding, hex: Vectors.numeric[4].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: special: -Infinity")) { try Stream.field(encoding, hex: Vectors.numeric[6].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: fit: 123456789012345678901234567890.123")) { try Stream.field(encoding, hex: Vectors.numeric[2].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: fit: 0.00000000000000000001")) { try Stream.field(encoding, hex: Vectors.numeric[3].0) }
        #expect(try Stream.field(encoding, hex: Vectors.numeric[7].0) == "1.50000000000000") // trailing zeros beyond 10 decimals fit
        #expect(try Stream.field(encoding, hex: Vectors.numeric[9].0) == "-99999999.99")
    }

    @Test func temporalChecksTellInfinitiesApartOrMakeThemNull() throws {
        let check = ColumnEncoding.Check(.outsideDateRange, reason: "range", infiniteReason: "infinite")
        let strict = ColumnEncoding(.timestamp, checks: [check])
        #expect(try Stream.field(strict, hex: Vectors.timestamp[0].0) == "0001-01-01 00:00:00")
        #expect(try Stream.field(strict, hex: Vectors.timestamp[1].0) == "9999-12-31 23:59:59.999999")
        #expect(throws: BinaryCopyError.rejected("public.t.c1: infinite: infinity")) { try Stream.field(strict, hex: Vectors.timestamp[2].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: range: 0044-03-15 10:00:00 BC")) { try Stream.field(strict, hex: Vectors.timestamp[4].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: range: 10000-01-01 00:00:00")) { try Stream.field(strict, hex: Vectors.timestamp[9].0) }
        let lenient = ColumnEncoding(.timestamp, infinityAsNull: true, checks: [ColumnEncoding.Check(.outsideDateRange, reason: "range")])
        #expect(try Stream.field(lenient, hex: Vectors.timestamp[3].0) == "\\N")
        #expect(throws: BinaryCopyError.rejected("public.t.c1: range: 10000-01-01 00:00:00")) { try Stream.field(lenient, hex: Vectors.timestamp[9].0) }
        let zoned = ColumnEncoding(.timestamptz, checks: [check])
        #expect(throws: BinaryCopyError.rejected("public.t.c1: range: 0001-12-31 23:00:00+00 BC")) { try Stream.field(zoned, hex: Vectors.timestamptz[3].0) }
        let date = ColumnEncoding(.date, checks: [check])
        #expect(try Stream.field(date, hex: Vectors.date[1].0) == "9999-12-31")
        #expect(throws: BinaryCopyError.rejected("public.t.c1: infinite: -infinity")) { try Stream.field(date, hex: Vectors.date[3].0) }
        #expect(throws: BinaryCopyError.rejected("public.t.c1: range: 0001-12-31 BC")) { try Stream.field(date, hex: Vectors.date[4].0) }
    }
}
