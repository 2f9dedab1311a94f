// CREATE TABLE from planned tables: key layouts, types, comments, quoting.
import Testing
@testable import Pg2srModel
@testable import Pg2srSource
@testable import Pg2srTarget

@Suite struct StarRocksDDLTests {
    func mapping(_ name: String, _ type: String, key: Int = 0, nullable: Bool = true) -> ColumnMapping {
        ColumnMapping(sourceName: name, targetName: name, starRocksType: type, nullable: nullable, keyPosition: key,
                      selectExpression: name, sourceType: "pg")
    }

    func source(_ name: String, _ typeName: String, declared: String? = nil, typmod: Int = -1, category: String = "N", kind: String = "b",
                element: String? = nil, key: Int = 0, notNull: Bool = false) -> SourceColumn {
        SourceColumn(name: name, notNull: notNull, declaredType: declared ?? typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                     baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : "b",
                     typmod: typmod, arrayDimensions: element == nil ? 0 : 1, primaryKeyPosition: key)
    }

    @Test func primaryKeyTable() {
        let plan = TablePlan(source: TableName(schema: "public", name: "o"), sourceKind: "r", targetTable: "o`x",
                             columns: [mapping("id", "BIGINT", key: 1, nullable: false), mapping("v", "VARCHAR(40)")],
                             chunks: [], filter: nil, estimatedBytes: 0, estimatedRows: 0, keyColumns: ["id"])
        var options = TableDDLOptions()
        options.replicationNumber = 1
        options.buckets = 4
        options.properties = [("enable_persistent_index", "true")]
        let ddl = StarRocksDDL.createTable(database: "db", plan: plan, options: options)
        #expect(ddl == """
        CREATE TABLE IF NOT EXISTS `db`.`o``x` (
            `id` BIGINT NOT NULL COMMENT 'pg',
            `v` VARCHAR(40) NULL COMMENT 'pg'
        )
        PRIMARY KEY (`id`)
        DISTRIBUTED BY HASH (`id`) BUCKETS 4
        PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");
        """)
    }

    @Test func duplicateKeyTableWithoutPrimaryKey() {
        let plan = TablePlan(source: TableName(schema: "public", name: "log"), sourceKind: "r", targetTable: "log",
                             columns: [mapping("at", "DATETIME"), mapping("doc", "JSON")],
                             chunks: [], filter: nil, estimatedBytes: 0, estimatedRows: 0, keyColumns: [])
        let ddl = StarRocksDDL.createTable(database: "db", plan: plan, options: TableDDLOptions())
        #expect(ddl.contains("DUPLICATE KEY (`at`)\nDISTRIBUTED BY HASH (`at`);"))
    }

    @Test func randomDistributionWhenTheFirstColumnCannotBeAKey() {
        let plan = TablePlan(source: TableName(schema: "public", name: "docs"), sourceKind: "r", targetTable: "docs",
                             columns: [mapping("doc", "JSON"), mapping("n", "INT")],
                             chunks: [], filter: nil, estimatedBytes: 0, estimatedRows: 0, keyColumns: [])
        #expect(StarRocksDDL.createTable(database: "db", plan: plan, options: TableDDLOptions()).hasSuffix(")\nDISTRIBUTED BY RANDOM;"))
    }

    /// The DDL of a table whose columns went through the type mapping: composite key first, types,
    /// nullability, comments with the PostgreSQL types (quotes escaped), quoted identifiers.
    @Test func mappedCatalogFeatures() throws {
        let name = TableName(schema: "Billing", name: "Invoice Items")
        let columns = [
            source("Id", "int8", declared: "bigint", key: 2, notNull: true),
            source("region", "bpchar", declared: "character(2)", typmod: 6, key: 1, notNull: true),
            source("Line \"Note\"", "text", category: "S"),
            source("amount", "numeric", declared: "numeric(12,2)", typmod: ((12 << 16) | 2) + 4),
            source("ratio", "numeric"),
            source("at", "timestamptz", declared: "timestamp with time zone", notNull: true),
            source("mood", "mood", declared: "mood", kind: "e"),
            source("tags", "_varchar", declared: "character varying(10)[]", typmod: 14, category: "A", element: "varchar"),
            source("grid", "_int4", declared: "integer[]", category: "A", element: "int4"),
            source("doc", "jsonb"),
            source("blob", "bytea"),
            source("qty", "int4", declared: "posint"),
            source("span", "interval"),
        ]
        // The column order the seed planner gives the table: key columns first, in key order.
        let mappings = TablePlan.keyColumnsFirst(try columns.map { try TypeMapping.map($0, of: name) })
        let plan = TablePlan(source: name, sourceKind: "r", targetTable: "Invoice Items", columns: mappings, chunks: [], filter: nil,
                             estimatedBytes: 0, estimatedRows: 0, keyColumns: ["region", "Id"])
        var options = TableDDLOptions()
        options.replicationNumber = 1
        #expect(StarRocksDDL.createTable(database: "sr", plan: plan, options: options) == """
        CREATE TABLE IF NOT EXISTS `sr`.`Invoice Items` (
            `region` VARCHAR(8) NOT NULL COMMENT 'character(2)',
            `Id` BIGINT NOT NULL COMMENT 'bigint',
            `Line "Note"` VARCHAR(1048576) NULL COMMENT 'text',
            `amount` DECIMAL(12,2) NULL COMMENT 'numeric(12,2)',
            `ratio` DECIMAL(38,10) NULL COMMENT 'numeric',
            `at` DATETIME NOT NULL COMMENT 'timestamp with time zone',
            `mood` VARCHAR(256) NULL COMMENT 'mood',
            `tags` ARRAY<VARCHAR(40)> NULL COMMENT 'character varying(10)[]',
            `grid` ARRAY<INT> NULL COMMENT 'integer[]',
            `doc` JSON NULL COMMENT 'jsonb',
            `blob` VARBINARY(1048576) NULL COMMENT 'bytea',
            `qty` INT NULL COMMENT 'posint',
            `span` VARCHAR(64) NULL COMMENT 'interval'
        )
        PRIMARY KEY (`region`, `Id`)
        DISTRIBUTED BY HASH (`region`, `Id`)
        PROPERTIES ("replication_num" = "1");
        """)
    }

    /// The planner's column order: keys first in key order, every other column where it was.
    @Test func keyColumnsComeFirstInKeyOrderAndTheRestKeepTheirOrder() {
        let columns = [mapping("a", "INT"), mapping("k2", "INT", key: 2), mapping("b", "INT"), mapping("k1", "INT", key: 1),
                       mapping("c", "INT"), mapping("d", "INT")]
        #expect(TablePlan.keyColumnsFirst(columns).map(\.sourceName) == ["k1", "k2", "a", "b", "c", "d"])
        #expect(TablePlan.keyColumnsFirst([]).isEmpty)
    }
}
