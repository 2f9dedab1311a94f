import Testing
@testable import Pg2srCore

@Suite struct TypeMappingTests {
    let table = TableName(schema: "public", name: "t")

    func column(_ typeName: String, typmod: Int = -1, category: String = "N", kind: String = "b", element: String? = nil,
                dims: Int = 0, key: Int = 0, notNull: Bool = false) -> SourceColumn {
        SourceColumn(name: "c", notNull: notNull, declaredType: typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                     baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : "b",
                     typmod: typmod, arrayDimensions: dims, primaryKeyPosition: key)
    }

    @Test(arguments: [
        ("int2", -1, "SMALLINT"), ("int4", -1, "INT"), ("int8", -1, "BIGINT"), ("oid", -1, "BIGINT"),
        ("float4", -1, "FLOAT"), ("float8", -1, "DOUBLE"), ("bool", -1, "BOOLEAN"), ("money", -1, "DECIMAL(19,2)"),
        ("numeric", ((12 << 16) | 2) + 4, "DECIMAL(12,2)"), ("numeric", -1, "DECIMAL(38,10)"),
        ("numeric", ((50 << 16) | 5) + 4, "VARCHAR(53)"),
        ("varchar", 24, "VARCHAR(80)"), ("bpchar", 14, "VARCHAR(40)"), ("text", -1, "VARCHAR(1048576)"),
        ("uuid", -1, "VARCHAR(36)"), ("jsonb", -1, "JSON"), ("json", -1, "JSON"), ("bytea", -1, "VARBINARY(1048576)"),
        ("date", -1, "DATE"), ("timestamp", -1, "DATETIME"), ("timestamptz", -1, "DATETIME"),
        ("time", -1, "VARCHAR(32)"), ("interval", -1, "VARCHAR(64)"), ("inet", -1, "VARCHAR(64)"), ("macaddr", -1, "VARCHAR(32)"),
    ])
    func scalarTypes(typeName: String, typmod: Int, expected: String) throws {
        let mapping = try TypeMapping.map(column(typeName, typmod: typmod), of: table)
        #expect(mapping.starRocksType == expected)
    }

    @Test func booleansAreRenderedAsTrueFalseAndTimestamptzInUTC() throws {
        #expect(try TypeMapping.map(column("bool"), of: table).selectExpression == "\"c\"::text")
        #expect(try TypeMapping.map(column("timestamptz"), of: table).selectExpression.contains("AT TIME ZONE 'UTC'"))
    }

    @Test func arrays() throws {
        #expect(try TypeMapping.map(column("_int4", category: "A", element: "int4", dims: 1), of: table).starRocksType == "ARRAY<INT>")
        #expect(try TypeMapping.map(column("_int4", category: "A", element: "int4", dims: 2), of: table).starRocksType == "JSON")
        #expect(try TypeMapping.map(column("_point", category: "A", element: "point", dims: 1), of: table).starRocksType == "JSON")
    }

    @Test func enumsAndCompositesAndUnknowns() throws {
        #expect(try TypeMapping.map(column("mood", kind: "e"), of: table).starRocksType == "VARCHAR(256)")
        #expect(try TypeMapping.map(column("pair", kind: "c"), of: table).starRocksType == "JSON")
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("point"), of: table) }
        #expect(try TypeMapping.map(column("point"), of: table, castOverride: "varchar").starRocksType == "VARCHAR(1048576)")
    }

    @Test func keyColumnsMustHaveKeyTypes() throws {
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("float8", key: 1, notNull: true), of: table) }
        #expect(throws: Pg2srError.self) { try TypeMapping.map(column("numeric", typmod: ((10 << 16) | 0) + 4, key: 1), of: table) }
        let key = try TypeMapping.map(column("int8", key: 1, notNull: true), of: table)
        #expect(key.keyPosition == 1 && !key.nullable)
    }

    @Test func wideDecimalsWhereTheTargetHasThem() throws {
        var capabilities = TargetCapabilities()
        capabilities.maxDecimalPrecision = 76
        let mapping = try TypeMapping.map(column("numeric", typmod: ((50 << 16) | 5) + 4), of: table, target: capabilities)
        #expect(mapping.starRocksType == "DECIMAL(50,5)")
    }
}
