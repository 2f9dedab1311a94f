// The worker's PostgreSQL session in the run's snapshot, and what its errors mean.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import PostgresClient

extension SeedWorker {
    /// This worker's session, inside the run's snapshot (connecting and importing it if needed).
    func sourceSession() throws -> PostgresConnection {
        if let connection { return connection }
        let connection: PostgresConnection
        do {
            connection = try context.connector.connect(role: "worker \(id)")
        } catch let error as Pg2srError {
            // The server may be restarting or the network down: worth another attempt.
            throw RetryableFailure(message: "PostgreSQL: \(error)")
        }
        // Bounded kernel buffering between PostgreSQL and this worker: a slow StarRocks makes the
        // COPY wait in PostgreSQL after about this much data.
        connection.limitReceiveBuffer(bytes: 512 * 1024)
        do {
            try connection.execute(SQLTemplate("postgres/set_lock_timeout").render(["milliseconds": .integer(context.lockTimeoutMilliseconds)]))
            try SnapshotTransaction.join(context.snapshotName, on: connection)
        } catch let error as PostgresError {
            throw try sourceFailure(error, table: nil, duringCopy: false)
        }
        self.connection = connection
        return connection
    }

    /// After an abandoned COPY the transaction is aborted: start a new one in the same snapshot.
    func resetTransaction() {
        guard let connection else { return }
        do {
            try SnapshotTransaction.rollback(connection)
            try SnapshotTransaction.join(context.snapshotName, on: connection)
        } catch {
            self.connection = nil // reconnect on the next chunk
        }
    }

    /// Classifies a PostgreSQL error: a rejected value or a lock wait is final, a broken
    /// connection is retried (from the start of the chunk, in a new session).
    func sourceFailure(_ error: PostgresError, table: TableName?, duringCopy: Bool) throws -> Error {
        if let range = error.message.range(of: ValueGuard.marker) {
            var detail = String(error.message[range.upperBound...])
            if detail.hasSuffix("\"") { detail.removeLast() }
            return Pg2srError.dataRejected(detail)
        }
        if error.isLockTimeout, let table {
            return Pg2srError.source("lock wait on \(table) exceeded --lock-wait-timeout (\(context.lockTimeoutMilliseconds) ms): another session holds or awaits a conflicting lock")
        }
        if error.message.contains("snapshot") && (error.message.contains("does not exist") || error.message.contains("invalid snapshot")) {
            return Pg2srError.source("the run's snapshot \(context.snapshotName) no longer exists (\(error.message)); resume the run (pg2sr seed --resume) to continue from a new snapshot")
        }
        if error.isConnectionFailure || error.sqlState == "57014" || error.sqlState == "25P02" {
            connection = nil
            return RetryableFailure(message: "PostgreSQL: \(error.message)")
        }
        return Pg2srError.source("\(table.map { "\($0)" } ?? "worker session"): \(error.message)")
    }
}
