import Testing
@testable import Pg2srModel
@testable import Pg2srSource
import Pg2srSupport
import PostgresBinary

/// The mapping hook: TypeMapping fills `binaryEncoding` from the same rendering as the SQL (its
/// reject reasons, in order), falls back to `.rendered` where no decoder exists, and the binary
/// COPY selects plain columns except for fallbacks.
@Suite struct BinaryEncodingTests {
    let table = TableName(schema: "public", name: "t")

    func column(_ typeName: String, typmod: Int = -1, category: String = "N", kind: String = "b", element: String? = nil,
                elementKind: String = "b", dims: Int = 0, name: String = "c") -> SourceColumn {
        SourceColumn(name: name, notNull: false, declaredType: typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                     baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : elementKind,
                     typmod: typmod, arrayDimensions: dims, primaryKeyPosition: 0)
    }

    func encoding(_ column: SourceColumn, cast: String? = nil, policy: ValuePolicy = ValuePolicy()) throws -> ColumnEncoding {
        try #require(try TypeMapping.map(column, of: table, castOverride: cast, policy: policy).binaryEncoding)
    }

    @Test func decodedTypesCarryTheSQLsReasonsInItsOrder() throws {
        let numeric = try encoding(column("numeric"))
        #expect(numeric.kind == .numeric && numeric.checks.map(\.condition) == [.notFinite, .outsideDecimal(integerDigits: 28, fractionDigits: 10)])
        #expect(numeric.checks[1].reason == "does not fit DECIMAL(38,10) exactly (use --cast ...=varchar or =decimal(p,s))")
        #expect(try encoding(column("numeric", typmod: TypeMappingTests.numericTypmod(12, 2))).checks.map(\.condition) == [.notANumber])
        #expect(try encoding(column("numeric", typmod: TypeMappingTests.numericTypmod(60, 5))) == ColumnEncoding(.numeric)) // VARCHAR text
        let text = try encoding(column("text"))
        #expect(text == ColumnEncoding(.text, nullLiteralSafe: true,
                                       checks: [.init(.longerThan(bytes: 1_048_576), reason: "longer than 1048576 bytes (StarRocks VARCHAR limit)")]))
        #expect(try encoding(column("varchar", typmod: 14)) == ColumnEncoding(.text, nullLiteralSafe: true))
        #expect(try encoding(column("mood", kind: "e")) == ColumnEncoding(.text, nullLiteralSafe: true))
        let date = try encoding(column("date"))
        #expect(date.checks == [.init(.outsideDateRange, reason: "outside StarRocks' range 0001-01-01..9999-12-31",
                                      infiniteReason: "infinite value has no StarRocks form (use --infinity-as-null)")])
        var lenient = ValuePolicy()
        lenient.infinityAsNull = true
        let nullable = try encoding(column("timestamptz"), policy: lenient)
        #expect(nullable.infinityAsNull && nullable.checks.map(\.infiniteReason) == [nil])
        #expect(try encoding(column("jsonb")).checks.map(\.condition) == [.longerThan(bytes: 16_777_214), .inexactJSONNumber])
        for (type, kind) in [("int2", ColumnEncoding.Kind.int2), ("oid", .oid), ("float4", .float4), ("bool", .bool), ("uuid", .uuid),
                             ("time", .time), ("timetz", .timetz), ("interval", .interval)] {
            #expect(try encoding(column(type)) == ColumnEncoding(kind))
        }
    }

    @Test func typesWithoutADecoderAndEveryCastFallBackToText() throws {
        for type in ["money", "inet", "cidr", "macaddr", "macaddr8", "hstore"] {
            #expect(try encoding(column(type)) == .rendered, "\(type)")
        }
        #expect(try encoding(column("bit", typmod: 3)) == .rendered)
        #expect(try encoding(column("pair", kind: "c")) == .rendered)
        #expect(try encoding(column("int4"), cast: "varchar") == .rendered)
        #expect(try encoding(column("_int4", category: "A", element: "int4", dims: 2)) == .rendered) // JSON
        #expect(try encoding(column("_inet", category: "A", element: "inet")) == .rendered)
        #expect(try encoding(column("_jsonb", category: "A", element: "jsonb")) == .rendered)
    }

    @Test func arraysCheckShapeThenElementsThenEscaping() throws {
        let texts = try encoding(column("_text", category: "A", element: "text"))
        #expect(texts.kind == .text && texts.isArray)
        #expect(texts.checks.map(\.condition) == [.multiDimensional, .lowerBoundNotOne, .longerThan(bytes: 1_048_576), .elementNeedsEscaping])
        #expect(texts.checks[2].reason == "array element longer than 1048576 bytes (StarRocks VARCHAR limit)")
        let stamps = try encoding(column("_timestamptz", category: "A", element: "timestamptz"))
        #expect(stamps.checks.map(\.condition) == [.multiDimensional, .lowerBoundNotOne, .outsideDateRange])
        #expect(stamps.checks[2].infiniteReason == "array element infinite value has no StarRocks form (use --infinity-as-null)")
        #expect(try encoding(column("_float8", category: "A", element: "float8")).checks.map(\.condition) == [.multiDimensional, .lowerBoundNotOne])
        #expect(try encoding(column("_interval", category: "A", element: "interval")).checks.last?.condition == .elementNeedsEscaping)
    }

    @Test func theBinarySelectReadsPlainColumnsAndRendersOnlyFallbacks() throws {
        let mappings = try [column("int4", name: "id"), column("jsonb", name: "doc"), column("hstore", name: "h"), column("money", name: "m")]
            .enumerated().map { try TypeMapping.map($0.element, of: table, position: $0.offset + 1) }
        let whole = ChunkSpec(index: 0, predicate: "ctid >= '(0,0)'", estimatedBytes: 0, summary: "")
        let select = CopyStatement.binarySelect(table: table, kind: "r", columns: mappings, chunk: whole, filter: "id > 0")
        #expect(select.hasPrefix("SELECT \"id\", \"doc\", (\(mappings[2].selectExpression))::text, (\(mappings[3].selectExpression))::text FROM ONLY \"public\".\"t\""))
        #expect(select.contains("AS pg2sr_l3(pg2sr_l3)") && !select.contains("pg2sr_l2"))
        #expect(select.hasSuffix(" WHERE ctid >= '(0,0)' AND (id > 0)"))
        #expect(CopyStatement.binaryCopy("SELECT 1") == "COPY (SELECT 1) TO STDOUT (FORMAT binary)")
        #expect(mappings[1].binaryCopyColumn(of: table).label == "public.t.doc")
    }
}
