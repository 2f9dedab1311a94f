// The statements that open, join and end a snapshot's REPEATABLE READ transaction.
import Pg2srSupport
import PostgresClient

/// Every session of a run reads in one snapshot: the one exporting it and every worker that
/// imports it run these (sql/postgres/begin_snapshot_read.sql, set_snapshot.sql, ...).
public enum SnapshotTransaction {
    /// `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.
    public static func begin(on connection: PostgresConnection) throws {
        try connection.execute(SQLTemplate("postgres/begin_snapshot_read").sql)
    }

    /// Begins a transaction reading in the exported snapshot `name`.
    public static func join(_ name: String, on connection: PostgresConnection) throws {
        try begin(on: connection)
        try connection.execute(SQLTemplate("postgres/set_snapshot").render(["snapshot": .literal(name)]))
    }

    /// Ends the transaction (and so an exported snapshot), ignoring a broken connection.
    public static func commitQuietly(_ connection: PostgresConnection) {
        _ = try? connection.execute(SQLTemplate("postgres/commit").sql)
    }

    public static func rollback(_ connection: PostgresConnection) throws {
        try connection.execute(SQLTemplate("postgres/rollback").sql)
    }
}
