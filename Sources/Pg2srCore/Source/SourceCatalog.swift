import PostgresClient

/// A column of a source table, with domains resolved to their base type.
public struct SourceColumn: Codable, Sendable, Equatable {
    public var name: String
    public var notNull: Bool
    /// As declared, e.g. `character varying(20)` or a domain's name.
    public var declaredType: String
    /// The base type formatted with its modifier, e.g. `numeric(12,2)`, `integer[]`.
    public var baseType: String
    /// `pg_type.typname` of the base type, e.g. `numeric`, `_int4`, `my_enum`.
    public var baseTypeName: String
    /// `pg_type.typtype` of the base type: b base, e enum, c composite, r range, ...
    public var baseTypeKind: String
    /// `pg_type.typcategory`: A array, N numeric, S string, ...
    public var baseTypeCategory: String
    /// For arrays: the element's typname and kind.
    public var elementTypeName: String?
    public var elementTypeKind: String?
    public var typmod: Int
    /// Declared dimensions (`int[][]` → 2); PostgreSQL does not enforce it.
    public var arrayDimensions: Int
    /// 1-based position in the primary key, 0 when not a key column.
    public var primaryKeyPosition: Int
}

/// A table as the source catalog describes it, inside the snapshot.
public struct SourceTable: Sendable {
    public var oid: String
    public var name: TableName
    /// `r` ordinary, `p` partitioned.
    public var kind: String
    public var isPartition: Bool
    public var tableBytes: Int64
    public var heapBlocks: Int64
    public var estimatedRows: Int64
    public var replicaIdentity: String
    public var canSelect: Bool
    public var columns: [SourceColumn] = []

    public var primaryKey: [String] {
        columns.filter { $0.primaryKeyPosition > 0 }.sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }.map(\.name)
    }
}

/// Reads tables, columns and foreign keys from `pg_catalog` (SQL in `sql/postgres/`).
struct SourceCatalog {
    let connection: PostgresConnection

    func tables() throws -> [SourceTable] {
        let result = try connection.execute(SQLFile.text("postgres/list_tables"))
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
        let result = try connection.query(SQLFile.text("postgres/list_columns"), [oidArray(tables.map(\.oid))])
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
        let result = try connection.query(SQLFile.text("postgres/table_sizes"), [oidArray(tables.map(\.oid))])
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
        let result = try connection.query(SQLFile.text("postgres/list_foreign_keys"), [oidArray(oids)])
        return result.rows.indices.map { (result.value($0, "table_oid")!, result.value($0, "referenced_oid")!) }
    }

    private func oidArray(_ oids: [String]) -> String { "{" + oids.joined(separator: ",") + "}" }
}
