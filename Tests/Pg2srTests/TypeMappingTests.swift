// The type mapping: StarRocks types, renderings, guards, casts and names, per PostgreSQL type.
import Pg2srSupport
import Testing
@testable import Pg2srModel
@testable import Pg2srSource

@Suite struct TypeMappingTests {
    let table = TableName(schema: "public", name: "t")

    func column(_ typeName: String, typmod: Int = -1, category: String = "N", kind: String = "b", element: String? = nil,
                elementKind: String = "b", dims: Int = 0, key: Int = 0, notNull: Bool = false, name: String = "c") -> SourceColumn {
        SourceColumn(name: name, notNull: notNull, declaredType: typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                     baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : elementKind,
                     typmod: typmod, arrayDimensions: dims, primaryKeyPosition: key)
    }

    static func numericTypmod(_ precision: Int, _ scale: Int) -> Int { ((precision << 16) | (scale & 0x7FF)) + 4 }

    @Test(arguments: [
        ("int2", -1, "SMALLINT"), ("int4", -1, "INT"), ("int8", -1, "BIGINT"), ("oid", -1, "BIGINT"),
        ("float4", -1, "FLOAT"), ("float8", -1, "DOUBLE"), ("bool", -1, "BOOLEAN"), ("money", -1, "DECIMAL(19,2)"),
        ("numeric", numericTypmod(12, 2), "DECIMAL(12,2)"), ("numeric", -1, "DECIMAL(38,10)"),
        ("numeric", numericTypmod(38, 38), "DECIMAL(38,38)"), ("numeric", numericTypmod(50, 5), "VARCHAR(53)"),
        ("numeric", numericTypmod(5, -2), "DECIMAL(7,0)"), ("numeric", numericTypmod(2, 5), "DECIMAL(5,5)"),
        ("varchar", 24, "VARCHAR(80)"), ("varchar", -1, "VARCHAR(1048576)"), ("bpchar", 14, "VARCHAR(40)"),
        ("text", -1, "VARCHAR(1048576)"), ("citext", -1, "VARCHAR(1048576)"), ("name", -1, "VARCHAR(1048576)"),
        ("uuid", -1, "VARCHAR(36)"), ("jsonb", -1, "JSON"), ("json", -1, "JSON"), ("hstore", -1, "JSON"),
        ("bytea", -1, "VARBINARY(1048576)"),
        ("date", -1, "DATE"), ("timestamp", -1, "DATETIME"), ("timestamptz", -1, "DATETIME"),
        ("time", -1, "VARCHAR(32)"), ("timetz", -1, "VARCHAR(32)"), ("interval", -1, "VARCHAR(64)"),
        ("inet", -1, "VARCHAR(64)"), ("cidr", -1, "VARCHAR(64)"), ("macaddr", -1, "VARCHAR(32)"), ("macaddr8", -1, "VARCHAR(32)"),
        ("bit", 3, "VARCHAR(3)"), ("varbit", 16, "VARCHAR(16)"), ("varbit", -1, "VARCHAR(1048576)"),
    ])
    func scalarTypes(typeName: String, typmod: Int, expected: String) throws {
        let mapping = try TypeMapping.map(column(typeName, typmod: typmod), of: table)
        #expect(mapping.starRocksType == expected)
        #expect(!mapping.verifyRendering.contains("pg2sr-reject"))
    }

    @Test func plainIntegersLoadAsTheyAre() throws {
        let mapping = try TypeMapping.map(column("int4"), of: table)
        #expect(mapping.selectExpression == "\"c\"" && mapping.verifyExpression == nil && mapping.verifyRendering == "\"c\"")
        #expect(mapping.loadExpression == nil)
    }

    @Test func booleansAreRenderedAsTrueFalseAndTimestamptzInUTC() throws {
        #expect(try TypeMapping.map(column("bool"), of: table).selectExpression == "\"c\"::text")
        let timestamptz = try TypeMapping.map(column("timestamptz"), of: table)
        #expect(timestamptz.selectExpression.contains("ELSE ((\"c\" AT TIME ZONE 'UTC'))::text END"))
        #expect(timestamptz.verifyExpression == "(\"c\" AT TIME ZONE 'UTC')")
    }

    @Test func valuesStarRocksCannotHoldAreRejectedInsidePostgres() throws {
        let unconstrained = try TypeMapping.map(column("numeric"), of: table).selectExpression
        #expect(unconstrained.contains("trunc(\"c\", 10) <> \"c\" OR abs(\"c\") >= 1e28"))
        #expect(unconstrained.contains("'pg2sr-reject: public.t.c: does not fit DECIMAL(38,10) exactly"))
        #expect(try TypeMapping.map(column("numeric", typmod: Self.numericTypmod(10, 2)), of: table).selectExpression.contains("NaN/Infinity"))
        #expect(try TypeMapping.map(column("text"), of: table).selectExpression.contains("octet_length(\"c\"::text) > 1048576"))
        let date = try TypeMapping.map(column("date"), of: table).selectExpression
        #expect(date.contains("WHEN NOT isfinite(\"c\") THEN") && date.contains("'10000-01-01'::date"))
        #expect(try TypeMapping.map(column("jsonb"), of: table).selectExpression.contains("jsonb_path_query"))
        // A varchar(n) StarRocks always holds (4n bytes) needs no length check.
        #expect(!(try TypeMapping.map(column("varchar", typmod: 14), of: table).selectExpression.contains("octet_length")))
    }

    @Test func infinityAsNullMakesTheColumnNullable() throws {
        var policy = ValuePolicy()
        policy.infinityAsNull = true
        let mapping = try TypeMapping.map(column("timestamp", notNull: true), of: table, policy: policy)
        #expect(mapping.nullable)
        #expect(mapping.selectExpression.hasPrefix("CASE WHEN NOT isfinite(\"c\") THEN NULL"))
        #expect(!mapping.selectExpression.contains("infinite value"))
        #expect(mapping.verifyExpression == "CASE WHEN NOT isfinite(\"c\") THEN NULL ELSE (\"c\")::text END")
    }

    @Test func textThatCouldBeBackslashNTravelsEncoded() throws {
        for mapping in [try TypeMapping.map(column("text"), of: table), try TypeMapping.map(column("mood", kind: "e"), of: table),
                        try TypeMapping.map(column("bpchar", typmod: 9), of: table)] {
            #expect(mapping.loadExpression != nil)
            #expect(mapping.selectExpression.contains("|| '\\N'"))
            #expect(!mapping.verifyRendering.contains("'\\N'"))
        }
        #expect(try TypeMapping.map(column("uuid"), of: table).loadExpression == nil)
    }

    @Test func charKeepsItsPaddingAsDebeziumSendsIt() throws {
        #expect(try TypeMapping.map(column("bpchar", typmod: 9), of: table).verifyExpression == "textin(bpcharout(\"c\"))")
    }

    @Test func temporalTextFormsAreDebeziums() throws {
        #expect(try TypeMapping.map(column("time"), of: table).verifyRendering == "(\"c\" + interval '0 s')::text || 'Z'")
        #expect(try TypeMapping.map(column("timetz"), of: table).verifyRendering == "(\"c\" AT TIME ZONE 'UTC')::time::text || 'Z'")
        let interval = try TypeMapping.map(column("interval"), of: table).verifyRendering
        #expect(interval.hasPrefix("'P' || extract(year from \"c\")::bigint || 'Y'"))
        #expect(interval.contains("trim_scale(trunc(") && interval.contains("::float8"))
    }

    @Test func arrays() throws {
        #expect(try TypeMapping.map(column("_int4", category: "A", element: "int4", dims: 1), of: table).starRocksType == "ARRAY<INT>")
        #expect(try TypeMapping.map(column("_int4", category: "A", element: "int4", dims: 2), of: table).starRocksType == "JSON")
        #expect(try TypeMapping.map(column("_point", category: "A", element: "point", dims: 1), of: table).starRocksType == "JSON")
        #expect(try TypeMapping.map(column("_jsonb", category: "A", element: "jsonb", dims: 1), of: table).starRocksType == "JSON")
        #expect(try TypeMapping.map(column("_bytea", category: "A", element: "bytea", dims: 1), of: table).starRocksType == "JSON")
        #expect(try TypeMapping.map(column("_mood", category: "A", element: "mood", elementKind: "e", dims: 1), of: table).starRocksType == "ARRAY<VARCHAR(256)>")
        #expect(try TypeMapping.map(column("_varchar", typmod: 14, category: "A", element: "varchar", dims: 1), of: table).starRocksType == "ARRAY<VARCHAR(40)>")
        #expect(try TypeMapping.map(column("_numeric", typmod: Self.numericTypmod(10, 2), category: "A", element: "numeric", dims: 1), of: table)
            .starRocksType == "ARRAY<DECIMAL(10,2)>")
        #expect(try TypeMapping.map(column("_numeric", typmod: Self.numericTypmod(60, 2), category: "A", element: "numeric", dims: 1), of: table)
            .starRocksType == "JSON")
        let floats = try TypeMapping.map(column("_float8", category: "A", element: "float8", dims: 1), of: table)
        #expect(floats.starRocksType == "ARRAY<DOUBLE>")
        #expect(floats.verifyRendering.contains("string_agg")) // NaN/Infinity bare, not JSON strings
        let timestamps = try TypeMapping.map(column("_timestamptz", category: "A", element: "timestamptz", dims: 1), of: table)
        #expect(timestamps.starRocksType == "ARRAY<DATETIME>")
        #expect(timestamps.selectExpression.contains("array element infinite value"))
        let texts = try TypeMapping.map(column("_text", category: "A", element: "text", dims: 1), of: table, position: 7)
        #expect(texts.selectExpression.contains("array_ndims(\"c\") > 1") && texts.selectExpression.contains("array_lower(\"c\", 1) <> 1"))
        // The JSON text is computed once and read by the guards and as the value.
        #expect(texts.renderedOnce == ColumnMapping.RenderedOnce(alias: "pg2sr_l7", expression: "array_to_json(\"c\")::text"))
        #expect(texts.selectExpression.contains("strpos(pg2sr_l7.pg2sr_l7, '\\') > 0") && texts.selectExpression.hasSuffix("ELSE (pg2sr_l7.pg2sr_l7)::text END"))
        #expect(texts.verifyRendering == "array_to_json(\"c\")::text")
        #expect(floats.renderedOnce == nil) // rendered element by element: nothing read twice
    }

    @Test func jsonTextIsRenderedOnceAndTheSelectJoinsIt() throws {
        let doc = try TypeMapping.map(column("jsonb"), of: table, position: 3)
        #expect(doc.renderedOnce?.expression == "\"c\"::text" && doc.verifyRendering == "\"c\"::text")
        #expect(!doc.selectExpression.contains("\"c\"::text") && doc.selectExpression.contains("octet_length(pg2sr_l3.pg2sr_l3) > 16777214"))
        let id = try TypeMapping.map(column("int8"), of: table, position: 1)
        let chunk = ChunkPlanner.blockRanges(of: table, blocks: 10, tableBytes: 100, count: 2)[1]
        #expect(CopyStatement.copy(table: table, kind: "r", columns: [id, doc], chunk: chunk, filter: "c IS NOT NULL")
            == "COPY (SELECT \"c\", \(doc.selectExpression) FROM ONLY \"public\".\"t\" CROSS JOIN LATERAL (SELECT \"c\"::text OFFSET 0) AS pg2sr_l3(pg2sr_l3)"
            + " WHERE \"public\".\"t\".ctid >= '(5,0)'::tid AND (c IS NOT NULL)) TO STDOUT (FORMAT csv, NULL '\\N', ENCODING 'UTF8')")
    }

    @Test func enumsAndCompositesAndUnknowns() throws {
        #expect(try TypeMapping.map(column("mood", kind: "e"), of: table).starRocksType == "VARCHAR(256)")
        #expect(try TypeMapping.map(column("pair", kind: "c"), of: table).starRocksType == "JSON")
        let error = #expect(throws: Pg2srError.self) { try TypeMapping.map(column("point"), of: table) }
        #expect("\(error!)".contains("public.t.\"c\" has type point") && "\(error!)".contains("--cast 'public.t.c=varchar'"))
        #expect(try TypeMapping.map(column("point"), of: table, castOverride: "varchar").starRocksType == "VARCHAR(1048576)")
    }

    @Test func casts() throws {
        let decimal = try TypeMapping.map(column("numeric"), of: table, castOverride: "decimal(20, 4)")
        #expect(decimal.starRocksType == "DECIMAL(20,4)")
        #expect(decimal.selectExpression.contains("trunc((\"c\")::numeric, 4) <> (\"c\")::numeric OR abs((\"c\")::numeric) >= 1e16"))
        #expect(try TypeMapping.map(column("numeric"), of: table, castOverride: "bigint").selectExpression.contains("would round"))
        let text = try TypeMapping.map(column("text"), of: table, castOverride: "varchar(20)")
        #expect(text.starRocksType == "VARCHAR(20)" && text.loadExpression != nil)
        #expect(try TypeMapping.map(column("timestamp"), of: table, castOverride: "date").selectExpression.contains("isfinite"))
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("numeric"), of: table, castOverride: "decimal(40,2)") }
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("numeric"), of: table, castOverride: "geometry") }
    }

    @Test func keyColumnsMustHaveKeyTypes() throws {
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("float8", key: 1, notNull: true), of: table) }
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("numeric", typmod: Self.numericTypmod(10, 0), key: 1), of: table) }
        let key = try TypeMapping.map(column("int8", key: 1, notNull: true), of: table)
        #expect(key.keyPosition == 1 && !key.nullable)
        #expect(try TypeMapping.map(column("numeric", typmod: Self.numericTypmod(10, 0), key: 1), of: table, castOverride: "bigint").starRocksType == "BIGINT")
    }

    @Test func wideDecimalsWhereTheTargetHasThem() throws {
        var capabilities = TargetCapabilities()
        capabilities.maxDecimalPrecision = 76
        let mapping = try TypeMapping.map(column("numeric", typmod: Self.numericTypmod(50, 5)), of: table, target: capabilities)
        #expect(mapping.starRocksType == "DECIMAL(50,5)")
        capabilities.maxVarcharBytes = 65533
        #expect(try TypeMapping.map(column("varchar", typmod: 20004), of: table, target: capabilities).starRocksType == "VARCHAR(65533)")
    }

    @Test func capabilitiesFollowTheTargetVersion() {
        #expect(TargetCapabilities(starRocksVersion: "4.0.1-ab12").maxDecimalPrecision == 76)
        #expect(TargetCapabilities(starRocksVersion: "3.3.0-standin").maxDecimalPrecision == 38)
        #expect(TargetCapabilities(starRocksVersion: "2.0.9").maxVarcharBytes == 65533)
        #expect(TargetCapabilities(starRocksVersion: "3.1.2").maxVarcharBytes == 1_048_576)
        #expect(TargetCapabilities(starRocksVersion: nil).maxDecimalPrecision == 38)
    }

    @Test func numericTypmodsOfPostgres15() {
        #expect(TypeMapping.numericTypmod(Self.numericTypmod(12, 2)) == (12, 2))
        #expect(TypeMapping.numericTypmod(Self.numericTypmod(5, -2)) == (5, -2))
        #expect(TypeMapping.numericTypmod(Self.numericTypmod(3, -1000)) == (3, -1000))
        #expect(TypeMapping.numericTypmod(Self.numericTypmod(1000, 1000)) == (1000, 1000))
    }

    @Test(arguments: ["__op", "__OP", "pg2sr_f3", "PG2SR_V12", "pg2sr_l7", "pg2sr_op", "pg2sr_deleted", "line\nbreak", "tab\there", "nul\u{0}"])
    func namesStarRocksCannotTakeAreRefused(name: String) {
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("int4", name: name), of: table) }
    }

    @Test(arguments: ["pg2sr_flag", "pg2sr_lateral", "Größe", "Line \"Note\"", "back`tick", "日付", "__opx", "with space"])
    func otherNamesAreFine(name: String) throws {
        #expect(try TypeMapping.map(column("int4", name: name), of: table).targetName == name)
    }
}
