// The CDC half of the mapping: what Routine Load does with Debezium's value of each type, and which it refuses.
import Foundation
import Testing
@testable import Pg2srModel
import Pg2srSupport

@Suite struct CDCRenderingTests {
    let table = TableName(schema: "public", name: "t")

    func column(_ typeName: String, typmod: Int = -1, category: String = "N", kind: String = "b", element: String? = nil,
                elementKind: String = "b", dims: Int = 0, notNull: Bool = false) -> SourceColumn {
        SourceColumn(name: "c", notNull: notNull, declaredType: typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                     baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : elementKind,
                     typmod: typmod, arrayDimensions: dims, primaryKeyPosition: 0)
    }

    func cdc(_ column: SourceColumn, cast: String? = nil, policy: ValuePolicy = ValuePolicy()) throws -> CDCRendering {
        try #require(try TypeMapping.map(column, of: table, castOverride: cast, policy: policy).cdc)
    }

    func array(_ element: String, elementKind: String = "b", typmod: Int = -1, dims: Int = 1) -> SourceColumn {
        column("_" + element, typmod: typmod, category: "A", element: element, elementKind: elementKind, dims: dims)
    }

    @Test(arguments: ["int2", "int4", "int8", "oid", "float4", "float8", "bool", "money", "uuid", "time", "timetz", "interval",
                      "inet", "cidr", "macaddr", "macaddr8"])
    func valuesThatConvertExactlyLoadAsTheyAre(typeName: String) throws {
        #expect(try cdc(column(typeName)) == CDCRendering())
    }

    @Test func debeziumsGapsAreRefusedWithTheReason() throws {
        #expect(try cdc(column("name")).refusal?.contains("as NULL") == true)
        #expect(try cdc(column("varbit", typmod: 8)).refusal?.contains("leading zeros") == true)
        #expect(try cdc(column("pair", kind: "c")).refusal == "Debezium does not send composite types")
        #expect(try cdc(column("bit", typmod: 300)).refusal?.contains("bit(256)") == true)
        #expect(try cdc(array("time")).refusal?.contains("millisecond") == true)
        #expect(try cdc(array("timetz")).refusal?.contains("fraction") == true)
        #expect(try cdc(array("interval")).refusal?.contains("no converter") == true)
        #expect(try cdc(array("mood", elementKind: "e")).refusal?.contains("NULL element") == true)
        #expect(try cdc(array("posint", elementKind: "d")).refusal?.contains("domain") == true)
        #expect(try cdc(array("jsonb")).refusal?.contains("JSON texts") == true)
        #expect(try cdc(array("bytea")).refusal?.contains("hex strings") == true)
        #expect(try cdc(array("int4", dims: 2)).refusal?.contains("multi-dimensional") == true)
        #expect(try cdc(array("bit", typmod: 3)).refusal != nil)
    }

    @Test func bytesAndJSONUseTheSnapshotsExpression() throws {
        let bytea = try TypeMapping.map(column("bytea"), of: table)
        #expect(bytea.loadExpression == TypeMapping.binaryValue && bytea.cdc?.expression == TypeMapping.binaryValue)
        #expect(TypeMapping.binaryValue == "if({} = '', to_binary('', 'utf8'), to_binary({}, 'hex'))")
        #expect(bytea.cdc?.checks == ["{} REGEXP '^([0-9a-f][0-9a-f])*$'"])
        #expect(bytea.loadExpressionMayFail)
        for typeName in ["json", "jsonb", "hstore"] {
            let json = try TypeMapping.map(column(typeName), of: table)
            #expect(json.loadExpression == TypeMapping.jsonValue && json.cdc?.expression == TypeMapping.jsonValue)
        }
        #expect(TypeMapping.jsonValue == "json_query(parse_json(concat('[', {}, ']')), '$[0]')")
        #expect(try TypeMapping.map(column("pair", kind: "c"), of: table).loadExpression == TypeMapping.jsonValue)
        #expect(!(try TypeMapping.map(column("text"), of: table).loadExpressionMayFail))
    }

    @Test func textChecksTheToastPlaceholder() throws {
        for typeName in ["text", "varchar", "bpchar", "citext"] {
            #expect(try cdc(column(typeName)).checks == ["{} <> '__debezium_unavailable_value'"])
        }
        #expect(try cdc(array("text")).checks == ["{} <> '[\"__debezium_unavailable_value\"]'"])
        #expect(try cdc(array("int4")).checks.first?.hasPrefix("{} <> '[95,95,100,101,98,101,122,") == true)
        #expect(try cdc(array("uuid")).checks == ["{} <> '[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]'"])
    }

    @Test func datesAndTimestampsAreDecodedAndRangeChecked() throws {
        let date = try cdc(column("date"))
        #expect(date.expression == "if({} >= '0001' AND {} < ':', replace({}, 'Z', ''), NULL)" && date.nullWhen == nil)
        #expect(try cdc(column("timestamp")).expression == "if({} >= '0001' AND {} < ':', replace(replace({}, 'T', ' '), 'Z', ''), NULL)")
        var policy = ValuePolicy()
        policy.infinityAsNull = true
        #expect(try cdc(column("date"), policy: policy).nullWhen == "{} IN ('-5877611-06-21Z', '-5877611-06-22Z')")
        #expect(try cdc(column("timestamp"), policy: policy).nullWhen == "{} IN ('+294247-01-10T04:00:25.2Z', '-290308-12-21T19:59:27.6Z')")
        #expect(try cdc(column("timestamptz"), policy: policy).nullWhen == "{} IN ('infinity', '-infinity')")
        #expect(try cdc(array("date"), policy: policy).refusal?.contains("--infinity-as-null") == true)
        let dates = try cdc(array("date")).checks
        #expect(dates.count == 1 && dates[0].contains("Z\\\"") == false && dates[0].contains("-[0-9]{2}-[0-9]{2}Z"))
    }

    @Test func numbersFollowTheirMapping() throws {
        #expect(try cdc(column("numeric")).checks == ["{} REGEXP '^-?[0-9]{1,28}([.][0-9]{0,10}0*)?$'"])
        #expect(try cdc(column("numeric", typmod: TypeMappingTests.numericTypmod(12, 2))) == CDCRendering())
        #expect(try cdc(column("numeric", typmod: TypeMappingTests.numericTypmod(5, -2))).expression == "regexp_replace({}, '[.]0*$', '')")
        let wide = try cdc(column("numeric", typmod: TypeMappingTests.numericTypmod(80, 5)))
        #expect(wide.expression == "if({} = 'NAN', 'NaN', if({} = 'POSITIVE_INFINITY', 'Infinity', if({} = 'NEGATIVE_INFINITY', '-Infinity', {})))")
        #expect(try cdc(array("numeric")).checks.first?.contains("[0-9]{1,28}") == true)
        #expect(try cdc(array("numeric", typmod: TypeMappingTests.numericTypmod(10, 2))) == CDCRendering())
    }

    @Test func bitsAreDecodedFromDebeziumsBytes() throws {
        #expect(try cdc(column("bit", typmod: 1)).expression == "if({} IN ('1', 'true'), '1', if({} IN ('0', 'false'), '0', NULL))")
        let three = try cdc(column("bit", typmod: 3))
        #expect(three.expression == "if({} = '', repeat('0', 3), right(lpad(conv(substr(rpad(hex(from_base64({})), 2, '0'), 1, 2), 16, 2), 8, '0'), 3))")
        #expect(three.checks.last == "{} = '' OR CAST(conv(substr(rpad(hex(from_base64({})), 2, '0'), 1, 2), 16, 10) AS INT) < 8")
        let twelve = try cdc(column("bit", typmod: 12)).expression ?? ""
        // Byte 1 (bits 8–11) first, then byte 0: Debezium's bytes are little-endian.
        #expect(twelve.contains("concat(lpad(conv(substr(rpad(hex(from_base64({})), 4, '0'), 3, 2), 16, 2), 8, '0'), lpad(conv(substr(rpad(hex(from_base64({})), 4, '0'), 1, 2)"))
        #expect(try cdc(column("bit", typmod: 16)).checks.count == 1) // whole bytes: no bit beyond n possible
    }

    @Test func jsonNumbersStarRocksWouldRoundAreCaught() throws {
        let pattern = try NSRegularExpression(pattern: TypeMapping.unsafeJSONNumber)
        func unsafe(_ text: String) -> Bool { pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }
        for text in ["{\"n\": 12345678901234567890123}", "[0.10000000000000000555]", "{\"n\": 1234567890.123456789}", "{\"tiny\": 1.5e-310}",
                     "[18446744073709551616]", "[-9223372036854775809]", "[1e308]"] {
            #expect(unsafe(text), "\(text)")
        }
        for text in ["{\"a\": 1}", "{\"big\": 9007199254740993}", "[9223372036854775807, -9223372036854775808, 18446744073709551615]",
                     "{\"s\": \"12345678901234567890123\"}", "{\"k\": \"v\\\"1234567890123456789012\", \"n\": 1.10}",
                     "{\"12345678901234567890123\": 1}", "-1e-5", "1e300", "123", "\"x\"", "[1.23456789012345]"] {
            #expect(!unsafe(text), "\(text)")
        }
        #expect(try cdc(column("jsonb")).checks == ["NOT ({} REGEXP \(StarRocksSQL.quoteString(TypeMapping.unsafeJSONNumber)))"])
    }

    @Test func castsStreamOnlyWhereDebeziumsValueConvertsExactly() throws {
        #expect(try cdc(column("point"), cast: "varchar").refusal != nil)
        #expect(try cdc(column("int4range", kind: "r"), cast: "json").refusal != nil)
        #expect(try cdc(column("bool"), cast: "varchar").refusal != nil)
        #expect(try cdc(column("int4"), cast: "varchar") == CDCRendering())
        #expect(try cdc(column("text"), cast: "varchar(10)").checks == ["{} <> '__debezium_unavailable_value'"])
        #expect(try cdc(column("numeric"), cast: "decimal(30,15)").checks == ["{} REGEXP '^-?[0-9]{1,15}([.][0-9]{0,15}0*)?$'"])
        #expect(try cdc(column("numeric"), cast: "bigint").checks == ["{} REGEXP '^-?[0-9]+([.]0*)?$'"])
        #expect(try cdc(column("numeric"), cast: "varchar").expression?.hasPrefix("if({} = 'NAN', 'NaN'") == true)
        #expect(try cdc(column("timestamptz"), cast: "date").expression == "if({} >= '0001' AND {} < ':', left({}, 10), NULL)")
        #expect(try cdc(column("float4"), cast: "double").refusal != nil)
    }

    @Test func timeRendersMidnightAsDebeziumDoes() throws {
        // Debezium sends 24:00:00 as 00:00:00Z; the snapshot's text is the same.
        #expect(try TypeMapping.map(column("time"), of: table).selectExpression == "(\"c\" + interval '0 s')::text || 'Z'")
    }
}
