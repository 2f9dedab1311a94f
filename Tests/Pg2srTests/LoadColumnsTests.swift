// The column lists of Stream Load and Routine Load: expressions, the guard on the key, refusals, partial updates.
import Testing
@testable import Pg2srCDC
@testable import Pg2srModel
@testable import Pg2srSupport
@testable import Pg2srTarget

@Suite struct LoadColumnsTests {
    let table = TableName(schema: "public", name: "t")

    func mapped(_ name: String, _ typeName: String, typmod: Int = -1, category: String = "N", kind: String = "b", element: String? = nil,
                key: Int = 0, notNull: Bool = false) throws -> ColumnMapping {
        let column = SourceColumn(name: name, notNull: notNull, declaredType: typeName, baseType: typeName, baseTypeName: typeName, baseTypeKind: kind,
                                  baseTypeCategory: category, elementTypeName: element, elementTypeKind: element == nil ? nil : "b",
                                  typmod: typmod, arrayDimensions: element == nil ? 0 : 1, primaryKeyPosition: key)
        return try TypeMapping.map(column, of: table)
    }

    func job(_ columns: [ColumnMapping], _ envelope: DebeziumEnvelope, kept: Set<String> = []) -> RoutineLoadJob {
        RoutineLoadJob(name: "j", database: "db", table: "t", topic: "x.public.t", brokers: "k:9092", offsets: [0: 5], envelope: envelope,
                       columns: columns, keptColumns: kept)
    }

    @Test func theSnapshotGuardsItsDecodingOnTheKey() throws {
        let header = StreamLoadFormat.columnsHeader([try mapped("id", "int4", key: 1), try mapped("b", "bytea"), try mapped("n", "int4")])
        #expect(header == "pg2sr_f0,pg2sr_f1,`n`,"
            + "`id`=if(((pg2sr_f1 IS NULL OR CAST(if(pg2sr_f1 = '', to_binary('', 'utf8'), to_binary(pg2sr_f1, 'hex')) AS VARBINARY(1048576)) IS NOT NULL)), pg2sr_f0, NULL),"
            + "`b`=if(pg2sr_f1 = '', to_binary('', 'utf8'), to_binary(pg2sr_f1, 'hex'))")
        // Nothing that can fail: the key loads as it is, as before.
        #expect(StreamLoadFormat.columnsHeader([try mapped("id", "int4", key: 1), try mapped("t", "text")])
            == "`id`,pg2sr_f1,`t`=if(left(pg2sr_f1, 2) = unhex('5C4E') AND replace(pg2sr_f1, unhex('5C4E'), '') = '', substr(pg2sr_f1, 3), pg2sr_f1)")
    }

    @Test func flatJobsGuardEveryExpressionAndCheckOnTheKey() throws {
        let plan = job([try mapped("id", "int4", key: 1), try mapped("t", "text"), try mapped("d", "date", notNull: true)], .flat).plan
        #expect(plan.bound.map(\.column) == ["pg2sr_v0", "`t`", "pg2sr_v1", "pg2sr_v2", "pg2sr_deleted"])
        #expect(plan.bound.map(\.path) == ["$.id", "$.t", "$.t", "$.d", "$.__deleted"])
        let date = "if(pg2sr_v2 >= '0001' AND pg2sr_v2 < ':', replace(pg2sr_v2, 'Z', ''), NULL)"
        #expect(plan.derived == [
            "`id` = if(pg2sr_deleted = 'true' OR ((pg2sr_v1 IS NULL OR ((pg2sr_v1 <> '__debezium_unavailable_value'))) AND (pg2sr_v2 IS NULL OR CAST(\(date) AS DATE) IS NOT NULL)), pg2sr_v0, NULL)",
            // A delete of a NOT NULL column still needs a value: Debezium's fallback may not convert.
            "`d` = if(pg2sr_deleted = 'true', '1970-01-01', \(date))",
            "__op = if(pg2sr_deleted = 'true', 1, 0)",
        ])
    }

    @Test func rawJobsChooseTheImageOnlyForKeys() throws {
        let plan = job([try mapped("id", "int4", key: 1), try mapped("n", "int4"), try mapped("m", "int4", notNull: true),
                        try mapped("a", "_int4", category: "A", element: "int4")], .raw).plan
        #expect(plan.bound.map(\.path) == ["$.after.id", "$.before.id", "$.after.n", "$.after.m", "$.after.a", "$.after.a", "$.op"])
        #expect(plan.bound.map(\.column) == ["pg2sr_a0", "pg2sr_b0", "`n`", "pg2sr_a2", "`a`", "pg2sr_a3", "pg2sr_op"])
        #expect(plan.derived[0].hasPrefix("`id` = if(pg2sr_op = 'd' OR ((pg2sr_a2 IS NULL OR CAST(pg2sr_a2 AS INT) IS NOT NULL) AND (pg2sr_a3 IS NULL OR ((pg2sr_a3 <> '[95,"))
        #expect(plan.derived[0].hasSuffix(", if(pg2sr_op = 'd', pg2sr_b0, pg2sr_a0), NULL)"))
        #expect(plan.derived[1] == "`m` = if(pg2sr_op = 'd', 0, pg2sr_a2)")
    }

    @Test func keptColumnsMakeAPartialUpdate() throws {
        let columns = [try mapped("id", "int4", key: 1), try mapped("v", "int4"), try mapped("co", "pair", kind: "c")]
        let statement = job(columns, .flat, kept: ["co"]).createStatement
        #expect(statement.contains("COLUMNS (pg2sr_v0, `v`, pg2sr_deleted, `id` = pg2sr_v0, __op = if(pg2sr_deleted = 'true', 1, 0))"))
        #expect(statement.contains("\"partial_update\" = \"true\"") && statement.contains("\"[\\\"$.id\\\",\\\"$.v\\\",\\\"$.__deleted\\\"]\""))
        #expect(!job(columns, .flat).createStatement.contains("partial_update"))
    }

    func plan(_ columns: [ColumnMapping], keys: [String] = ["id"]) -> TablePlan {
        TablePlan(source: table, sourceKind: "r", targetTable: "t", columns: columns, chunks: [], filter: nil, estimatedBytes: 0,
                  estimatedRows: 0, keyColumns: keys)
    }

    @Test func columnsDebeziumCannotCarryAreRefusedOrKept() throws {
        let composite = plan([try mapped("id", "int4", key: 1), try mapped("co", "pair", kind: "c")])
        let refusal = #expect(throws: Pg2srError.self) { try CDCStreamability.keptColumns(of: composite, envelope: .flat, keepUnstreamed: false) }
        #expect(refusal?.description == "usage: public.t.co (pair) cannot be streamed: Debezium does not send composite types, and a change would overwrite the snapshot's value; leave the table out of the run, or pass --keep-unstreamed (its job then leaves the column as the snapshot loaded it)")
        #expect(try CDCStreamability.keptColumns(of: composite, envelope: .flat, keepUnstreamed: true) == ["co"])
        let notNull = plan([try mapped("id", "int4", key: 1), try mapped("nm", "name", notNull: true)])
        #expect(throws: Pg2srError.self) { try CDCStreamability.keptColumns(of: notNull, envelope: .flat, keepUnstreamed: true) }
        let arrays = plan([try mapped("id", "int4", key: 1), try mapped("a", "_int4", category: "A", element: "int4", notNull: true)])
        #expect(try CDCStreamability.keptColumns(of: arrays, envelope: .flat, keepUnstreamed: false).isEmpty)
        #expect(throws: Pg2srError.self) { try CDCStreamability.keptColumns(of: arrays, envelope: .raw, keepUnstreamed: false) }
        var old = try mapped("v", "int4")
        old.cdc = nil
        #expect(throws: Pg2srError.self) { try CDCStreamability.keptColumns(of: plan([old]), envelope: .flat, keepUnstreamed: false) }
    }

    @Test func aTableWithoutANotNullColumnCannotCarryTheGuard() throws {
        #expect(job([try mapped("j", "jsonb")], .flat).problem != nil)
        #expect(job([try mapped("n", "int4")], .flat).problem == nil)
        #expect(job([try mapped("id", "int4", key: 1), try mapped("j", "jsonb")], .flat).problem == nil)
    }
}
