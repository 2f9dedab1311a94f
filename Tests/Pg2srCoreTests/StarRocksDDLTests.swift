import Testing
@testable import Pg2srCore

@Suite struct StarRocksDDLTests {
    func mapping(_ name: String, _ type: String, key: Int = 0, nullable: Bool = true) -> ColumnMapping {
        ColumnMapping(sourceName: name, targetName: name, starRocksType: type, nullable: nullable, keyPosition: key,
                      selectExpression: name, sourceType: "pg")
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
}
