// Takes ACCESS SHARE on the selected tables with a bounded wait, naming who holds them otherwise.
import Pg2srSupport
import PostgresClient

/// Takes ACCESS SHARE on every selected table inside the snapshot transaction, waiting at most
/// `--lock-wait-timeout`: a reader queued behind an exclusive lock would block every session that
/// comes after it, so pg2sr gives up instead and names the table and who holds it. Holding the
/// locks for the run keeps the tables from being dropped or rewritten under the copy.
struct TableLocker {
    let connector: SourceConnector
    let timeoutMilliseconds: Int

    func lock(_ tables: [SourceTable], on connection: PostgresConnection) throws {
        do {
            try connection.execute(SQLTemplate("postgres/set_local_lock_timeout").render(["milliseconds": .integer(timeoutMilliseconds)]))
        } catch let error as PostgresError { throw error.asSourceError("cannot set lock_timeout") }
        for table in tables {
            do {
                try connection.execute(SQLTemplate("postgres/lock_table").render(["table": .qualified([table.name.schema, table.name.name])]))
            } catch let error as PostgresError {
                guard error.isLockTimeout else { throw error.asSourceError("cannot lock table \(table.name)") }
                throw Pg2srError.source("table \(table.name) is locked by another session\(holders(of: table)): gave up after --lock-wait-timeout \(timeoutMilliseconds) ms without blocking anyone")
            }
        }
        _ = try? connection.execute(SQLTemplate("postgres/set_local_lock_timeout").render(["milliseconds": .integer(0)]))
    }

    private func holders(of table: SourceTable) -> String {
        guard let connection = try? connector.connect(role: "lock check"),
              let result = try? connection.query(SQLTemplate("postgres/lock_holders").sql, [table.oid]) else { return "" }
        let holders = result.rows.indices.filter { result.value($0, "granted") == "t" }.map {
            "pid \(result.value($0, "pid") ?? "?") (\(result.value($0, "mode") ?? "?"))"
        }
        return holders.isEmpty ? "" : " (\(holders.joined(separator: ", ")))"
    }
}
