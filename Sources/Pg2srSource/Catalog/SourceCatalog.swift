// Reads tables, columns, sizes and foreign keys from the source catalog.
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// A table as the source catalog describes it, inside the snapshot.
struct SourceTable: Sendable {
    var oid: String
    var name: TableName
    /// `r` ordinary, `p` partitioned.
    var kind: String
    var isPartition: Bool
    var tableBytes: Int64
    var heapBlocks: Int64
    var estimatedRows: Int64
    var replicaIdentity: String
    var canSelect: Bool
    var columns: [SourceColumn] = []

    var primaryKey: [String] {
        columns.filter { $0.primaryKeyPosition > 0 }.sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }.map(\.name)
    }
}

/// Reads tables, columns and foreign keys from `pg_catalog` (SQL in `sql/postgres/`).
struct SourceCatalog {
    let connection: PostgresConnection

    func tables() throws -> [SourceTable] {
        let result = try connection.execute(SQLTemplate("postgres/list_tables").sql)
        return result.rows.indices.map { row in
            SourceTable(
                oid: result.value(row, "oid")!,
                name: TableName(schema: result.value(row, "schema_name")!, name: result.value(row, "table_name")!),
                kind: result.value(row, "kind")!,
                isPartition: result.value(row, "is_partition") == "t",
                tableBytes: 0,
                heapBlocks: 0,
                estimatedRows: Int64(result.value(row, "estimated_rows") ?? "0") ?? 0,
                replicaIdentity: result.value(row, "replica_identity") ?? "d",
                canSelect: result.value(row, "can_select") == "t"
            )
        }
    }

    /// Fills in the columns of `tables`.
    func withColumns(_ tables: [SourceTable]) throws -> [SourceTable] {
        guard !tables.isEmpty else { return [] }
        let result = try connection.query(SQLTemplate("postgres/list_columns").sql, [oidArray(tables.map(\.oid))])
        var columnsByTable: [String: [SourceColumn]] = [:]
        for row in result.rows.indices {
            let column = SourceColumn(
                name: result.value(row, "column_name")!,
                notNull: result.value(row, "not_null") == "t",
                declaredType: result.value(row, "declared_type")!,
                baseType: result.value(row, "base_type")!,
                baseTypeName: result.value(row, "base_type_name")!,
                baseTypeKind: result.value(row, "base_type_kind")!,
                baseTypeCategory: result.value(row, "base_type_category")!,
                elementTypeName: result.value(row, "element_type_name"),
                elementTypeKind: result.value(row, "element_type_kind"),
                typmod: Int(result.value(row, "typmod") ?? "-1") ?? -1,
                arrayDimensions: Int(result.value(row, "array_dimensions") ?? "0") ?? 0,
                primaryKeyPosition: Int(result.value(row, "primary_key_position") ?? "0") ?? 0
            )
            columnsByTable[result.value(row, "table_oid")!, default: []].append(column)
        }
        return tables.map { table in
            var table = table
            table.columns = columnsByTable[table.oid] ?? []
            return table
        }
    }

    /// Fills in the sizes of `tables` (lock them first: this opens the relations).
    func withSizes(_ tables: [SourceTable]) throws -> [SourceTable] {
        guard !tables.isEmpty else { return [] }
        let result = try connection.query(SQLTemplate("postgres/table_sizes").sql, [oidArray(tables.map(\.oid))])
        var sizes: [String: (Int64, Int64)] = [:]
        for row in result.rows.indices {
            sizes[result.value(row, "oid")!] = (Int64(result.value(row, "table_bytes") ?? "0") ?? 0, Int64(result.value(row, "heap_blocks") ?? "0") ?? 0)
        }
        return tables.map { table in
            var table = table
            (table.tableBytes, table.heapBlocks) = sizes[table.oid] ?? (0, 0)
            return table
        }
    }

    /// Pairs (table, table it references) for foreign keys of `oids`.
    func foreignKeyTargets(of oids: [String]) throws -> [(table: String, referenced: String)] {
        guard !oids.isEmpty else { return [] }
        let result = try connection.query(SQLTemplate("postgres/list_foreign_keys").sql, [oidArray(oids)])
        return result.rows.indices.map { (result.value($0, "table_oid")!, result.value($0, "referenced_oid")!) }
    }

    private func oidArray(_ oids: [String]) -> String { "{" + oids.joined(separator: ",") + "}" }
}
