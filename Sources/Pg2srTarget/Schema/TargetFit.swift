// Whether an existing target table can take the planned columns, checked before any data moves.
import MySQLClient
import Pg2srModel
import Pg2srSupport

/// A column of an existing target table (information_schema.columns).
struct TargetColumn {
    var name: String
    var dataType: String
    var columnType: String
    var nullable: Bool
    /// `COLUMN_KEY`: PRI, UNI, DUP, AGG, or empty for a value column.
    var key: String
}

/// Checks that an existing target table can take the source's columns, column by column,
/// before any data moves.
enum TargetFit {
    static func columns(of table: String, database: String, connection: MySQLConnection) throws -> [TargetColumn] {
        let sql = SQLTemplate("starrocks/target_columns").render(["database": .literal(database), "table": .literal(table)])
        let result = try connection.query(sql)
        return result.rows.indices.map { row in
            TargetColumn(name: result.value(row, "COLUMN_NAME") ?? "", dataType: (result.value(row, "DATA_TYPE") ?? "").lowercased(),
                         columnType: (result.value(row, "COLUMN_TYPE") ?? "").lowercased(),
                         nullable: (result.value(row, "IS_NULLABLE") ?? "YES").uppercased() == "YES",
                         key: (result.value(row, "COLUMN_KEY") ?? "").uppercased())
        }
    }

    /// Problems that make the load wrong or impossible (empty = fits).
    static func problems(plan: TablePlan, existing: [TargetColumn]) -> [String] {
        var problems: [String] = []
        let byName = Dictionary(existing.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        for column in plan.columns {
            guard let target = byName[column.targetName.lowercased()] else {
                problems.append("column \(column.targetName) (\(column.sourceType)) is missing in the target table")
                continue
            }
            let wanted = family(column.starRocksType)
            let have = family(target.dataType)
            if wanted != have && !(wanted == "integer" && have == "integer") {
                problems.append("column \(column.targetName): source \(column.sourceType) needs \(column.starRocksType), target has \(target.columnType)")
                continue
            }
            if wanted == "integer", rank(column.starRocksType) > rank(target.dataType) {
                problems.append("column \(column.targetName): \(target.columnType) is narrower than \(column.starRocksType)")
            }
            if wanted == "decimal", let ours = scale(column.starRocksType), let theirs = scale(target.columnType), theirs < ours {
                problems.append("column \(column.targetName): target \(target.columnType) has fewer decimal places than \(column.starRocksType) (values would be rounded)")
            }
            if !target.nullable && column.nullable {
                problems.append("column \(column.targetName) is NOT NULL in the target but nullable in the source")
            }
        }
        let mapped = Set(plan.columns.map { $0.targetName.lowercased() })
        for column in existing where !mapped.contains(column.name.lowercased()) && !column.nullable {
            problems.append("target column \(column.name) is NOT NULL and has no source column")
        }
        return problems
    }

    private static func family(_ type: String) -> String {
        let base = String(type.lowercased().prefix { $0.isLetter })
        switch base {
        case "tinyint", "smallint", "int", "integer", "bigint", "largeint": return "integer"
        case "varchar", "char", "string", "text": return "string"
        case "decimal", "decimalv2", "decimal32", "decimal64", "decimal128", "decimal256": return "decimal"
        case "varbinary", "binary": return "binary"
        default: return base
        }
    }

    private static func rank(_ type: String) -> Int {
        ["tinyint": 1, "smallint": 2, "int": 3, "integer": 3, "bigint": 4, "largeint": 5][String(type.lowercased().prefix { $0.isLetter })] ?? 0
    }

    private static func scale(_ type: String) -> Int? {
        guard let comma = type.firstIndex(of: ","), let close = type.firstIndex(of: ")") else { return nil }
        return Int(type[type.index(after: comma)..<close].trimmingCharacters(in: .whitespaces))
    }
}
