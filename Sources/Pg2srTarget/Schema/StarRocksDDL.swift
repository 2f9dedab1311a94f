// `CREATE TABLE` for a planned table: Primary Key with a key, Duplicate Key without.
import Pg2srModel
import Pg2srSupport

/// Options of the generated StarRocks DDL (`--replication-num`, `--buckets`, `--property`).
public struct TableDDLOptions: Sendable {
    public var replicationNumber: Int?
    public var buckets: Int?
    public var properties: [(String, String)] = []
    public init() {}
}

/// StarRocks `CREATE TABLE` from the mapping: Primary Key tables for tables with a key
/// (key columns first, NOT NULL), Duplicate Key tables otherwise.
public enum StarRocksDDL {
    public static func createTable(database: String, plan: TablePlan, options: TableDDLOptions) -> String {
        let q = StarRocksSQL.quoteIdentifier
        let columns = plan.columns.map { column -> String in
            let nullability = column.nullable ? "NULL" : "NOT NULL"
            return "    \(q(column.targetName)) \(column.starRocksType) \(nullability) COMMENT \(StarRocksSQL.quoteString(column.sourceType))"
        }
        let buckets = options.buckets.map { " BUCKETS \($0)" } ?? ""
        var layout: String
        if !plan.keyColumns.isEmpty {
            let keys = plan.keyColumns.map(q).joined(separator: ", ")
            layout = "PRIMARY KEY (\(keys))\nDISTRIBUTED BY HASH (\(keys))\(buckets)"
        } else if let first = plan.columns.first, TypeMapping.isKeyType(first.starRocksType) {
            layout = "DUPLICATE KEY (\(q(first.targetName)))\nDISTRIBUTED BY HASH (\(q(first.targetName)))\(buckets)"
        } else {
            layout = "DISTRIBUTED BY RANDOM\(buckets)"
        }
        var properties = options.properties
        if let replication = options.replicationNumber { properties.insert(("replication_num", String(replication)), at: 0) }
        if !properties.isEmpty {
            let doubleQuoted = StarRocksSQL.doubleQuoted
            layout += "\nPROPERTIES (" + properties.map { "\(doubleQuoted($0.0)) = \(doubleQuoted($0.1))" }.joined(separator: ", ") + ")"
        }
        return SQLTemplate("starrocks/create_table").render([
            "table": .qualified([database, plan.targetTable]), "columns": .sql(columns.joined(separator: ",\n")), "layout": .sql(layout),
        ])
    }
}
