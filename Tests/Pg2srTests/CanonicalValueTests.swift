// pg2sr verify's canonical values, digests, order and COPY text parsing.
import Testing
@testable import Pg2srVerify

@Suite struct CanonicalValueTests {
    func canonical(_ text: String?, _ type: String) -> String? { CanonicalValue.canonical(text, as: TargetType(type)) }
    func invalid(_ text: String, _ type: String) -> Bool { canonical(text, type)?.hasPrefix(CanonicalValue.invalidPrefix) == true }

    @Test func typesParse() {
        #expect(TargetType("DECIMAL(12,2)") == .decimal(precision: 12, scale: 2))
        #expect(TargetType("decimal(12, 2)") == .decimal(precision: 12, scale: 2))
        #expect(TargetType("ARRAY<VARCHAR(40)>") == .array(.string(bytes: 40)))
        #expect(TargetType("array<int(11)>") == .array(.integer))
        #expect(TargetType("VARBINARY(1048576)") == .binary)
        #expect(TargetType("varbinary") == .binary)
    }

    @Test func numbers() {
        #expect(canonical("-0", "INT") == "0" && canonical("007", "BIGINT") == "7")
        #expect(canonical("1.5", "DECIMAL(12,2)") == "1.50" && canonical("1.50", "decimal(12,2)") == "1.50")
        #expect(canonical("1.00000000000", "DECIMAL(38,10)") == "1.0000000000")
        #expect(invalid("1.00000000001", "DECIMAL(38,10)") && invalid("NaN", "DECIMAL(10,2)") && invalid("123456789012", "DECIMAL(12,2)"))
        #expect(canonical("-0.00", "DECIMAL(5,2)") == "0.00" && canonical("1e2", "DECIMAL(5,0)") == "100")
        #expect(canonical("NaN", "DOUBLE") == "nan" && canonical("nan", "DOUBLE") == "nan")
        #expect(canonical("-Infinity", "DOUBLE") == "-inf" && canonical("-inf", "DOUBLE") == "-inf")
        #expect(canonical("1e+20", "DOUBLE") == canonical("100000000000000000000", "DOUBLE"))
        #expect(canonical("3.4028235e+38", "FLOAT") == canonical("3.4028235e38", "FLOAT"))
        #expect(canonical("true", "BOOLEAN") == "1" && canonical("0", "BOOLEAN") == "0")
    }

    @Test func datesAndTimes() {
        #expect(canonical("2024-01-01 10:00:00.5", "DATETIME") == "2024-01-01 10:00:00.500000")
        #expect(canonical("2024-01-01T10:00:00.500000", "DATETIME") == "2024-01-01 10:00:00.500000")
        #expect(canonical("2024-01-01 10:00:00", "DATETIME") == "2024-01-01 10:00:00.000000")
        #expect(invalid("infinity", "DATETIME") && invalid("10000-01-01 00:00:00", "DATETIME") && invalid("2023-02-29", "DATE"))
        #expect(canonical("0001-01-01", "DATE") == "0001-01-01")
    }

    @Test func stringsAreBytesAndLimited() {
        #expect(canonical("é", "VARCHAR(2)") == "é")
        #expect(invalid("😀", "VARCHAR(3)"))
        #expect(canonical("e\u{301}", "VARCHAR(10)")!.utf8.count == 3) // not normalized to é
        #expect(canonical("00FF", "VARBINARY") == "00ff")
    }

    @Test func json() {
        #expect(canonical("{\"b\": 1.10, \"a\": [1, \"x\\\"y\"]}", "JSON") == "{\"a\":[1,\"x\\\"y\"],\"b\":11e-1}")
        #expect(canonical("{\"a\":[1,\"x\\u0022y\"],\"b\":1.1}", "JSON") == canonical("{\"b\": 1.10, \"a\": [1, \"x\\\"y\"]}", "JSON"))
        #expect(canonical("{\"k\": \"\\ud83d\\ude00\"}", "JSON") == "{\"k\":\"😀\"}")
        #expect(canonical("{\"a\": 1, \"a\": 2}", "JSON") == "{\"a\":2}")
        #expect(invalid("{\"a\": }", "JSON"))
    }

    @Test func arrays() {
        #expect(canonical("[1,null,3]", "ARRAY<INT>") == canonical("[1, NULL, 3]", "array<int(11)>"))
        #expect(canonical("[\"2024-01-01T10:00:00.5\"]", "ARRAY<DATETIME>") == canonical("[\"2024-01-01 10:00:00.500000\"]", "ARRAY<DATETIME>"))
        #expect(canonical("[1.5,NaN,-Infinity]", "ARRAY<DOUBLE>") == canonical("[1.5,nan,-inf]", "ARRAY<DOUBLE>"))
        #expect(canonical("[true,false]", "ARRAY<BOOLEAN>") == canonical("[1,0]", "ARRAY<BOOLEAN>"))
        #expect(canonical("[\"a\",\"b c\",null]", "ARRAY<VARCHAR(10)>") == "[\"a\",\"b c\",null]")
        #expect(canonical("[]", "ARRAY<INT>") == "[]")
    }

    @Test func rowDigestsFrameValues() {
        #expect(RowDigest.of(["a", "bc"]) != RowDigest.of(["ab", "c"]))
        #expect(RowDigest.of([nil, ""]) != RowDigest.of(["", nil]))
        #expect(RowDigest.of(["x"]) == RowDigest.of(["x"]))
        #expect(KeyBytes(["é"]) != KeyBytes(["e\u{301}"]))
    }

    @Test func chunksFollowStarRocksOrder() {
        #expect(CanonicalOrder.less("-10", "-9", type: .integer) && CanonicalOrder.less("9", "10", type: .integer))
        #expect(!CanonicalOrder.less("10", "10", type: .integer))
        #expect(CanonicalOrder.less("Z", "a", type: .string(bytes: nil)) && CanonicalOrder.less("z", "é", type: .string(bytes: nil)))
        #expect(CanonicalOrder.chunk(of: "5", boundaries: ["10", "20"], type: .integer) == 0)
        #expect(CanonicalOrder.chunk(of: "10", boundaries: ["10", "20"], type: .integer) == 1)
        #expect(CanonicalOrder.chunk(of: "25", boundaries: ["10", "20"], type: .integer) == 2)
        #expect(CanonicalOrder.chunk(of: nil, boundaries: ["10", "20"], type: .integer) == 0)
    }

    @Test func copyTextRows() {
        let row = Array("a\\tb\t\\N\t\\\\N\t\t\\n\n".utf8)
        let fields = row.withUnsafeBytes { CopyText.fields($0) }
        #expect(fields == ["a\tb", nil, "\\N", "", "\n"])
    }
}
