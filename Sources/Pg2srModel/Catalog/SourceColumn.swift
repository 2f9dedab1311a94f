// A source column as the catalog describes it: what the type mapping works on.

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

    public init(name: String, notNull: Bool, declaredType: String, baseType: String, baseTypeName: String, baseTypeKind: String,
                baseTypeCategory: String, elementTypeName: String?, elementTypeKind: String?, typmod: Int, arrayDimensions: Int,
                primaryKeyPosition: Int) {
        self.name = name
        self.notNull = notNull
        self.declaredType = declaredType
        self.baseType = baseType
        self.baseTypeName = baseTypeName
        self.baseTypeKind = baseTypeKind
        self.baseTypeCategory = baseTypeCategory
        self.elementTypeName = elementTypeName
        self.elementTypeKind = elementTypeKind
        self.typmod = typmod
        self.arrayDimensions = arrayDimensions
        self.primaryKeyPosition = primaryKeyPosition
    }
}
