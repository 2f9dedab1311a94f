// The options that decide what is copied and how: shared by seed, plan, ddl and verify.
import Pg2srModel
import Pg2srSupport

/// Everything that decides what is copied and how it is rendered: shared by `seed`, `plan`
/// and `ddl`, so all three describe the same thing.
public struct PlanOptions: Sendable {
    public var selection = TableSelection()
    /// `--where 'schema.table=predicate'`.
    public var rowFilters: [String] = []
    /// `--target-table 'schema.table=name'`.
    public var targetNames: [String] = []
    /// `--cast 'schema.table.column=type'`.
    public var casts: [String] = []
    /// `--key 'schema.table=col1,col2'` for tables without a primary key.
    public var keyOverrides: [String] = []
    public var chunking = ChunkingOptions()
    public var policy = ValuePolicy()
    public var capabilities = TargetCapabilities()
    public init() {}

    /// Splits `name=value` where `name` is a table name in PostgreSQL syntax (which may itself
    /// contain `=` inside quotes).
    static func splitAssignment(_ text: String, option: String) throws -> (TableName, String) {
        var inQuotes = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" { inQuotes.toggle() }
            if character == "=" && !inQuotes {
                let name = try TableName(parsing: String(text[..<index]))
                let value = String(text[text.index(after: index)...])
                guard !value.isEmpty else { break }
                return (name, value)
            }
        }
        throw Pg2srError.usage("\(option) '\(text)' is not of the form schema.table=value")
    }
}
