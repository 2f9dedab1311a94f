// What `pg2sr routine-load` did (or, with --dry-run, would do) per table.

/// One table's job: created, already there, skipped or planned.
public struct RoutineLoadReport: Sendable, Codable {
    public var table: String
    public var job: String
    public var topic: String
    /// created, exists, skipped (Duplicate Key), planned (dry run)
    public var action: String
    public var state: String?
    public var offsets: [String: Int64]
    public var note: String?
    /// The CREATE ROUTINE LOAD statement (dry run).
    public var statement: String? = nil
}
