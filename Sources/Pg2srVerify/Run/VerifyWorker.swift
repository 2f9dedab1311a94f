// One verification thread: a PostgreSQL session in the pass's snapshot and a StarRocks session.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget
import PostgresClient

/// One verification thread: a PostgreSQL session in the pass's snapshot and a MySQL session.
final class VerifyWorker: @unchecked Sendable {
    private let connector: SourceConnector
    private let target: StarRocksTarget
    private var postgres: PostgresConnection?
    private var postgresSnapshot: String?
    private var mysql: TargetSession?

    init(connector: SourceConnector, target: StarRocksTarget) {
        self.connector = connector
        self.target = target
    }

    func close() {
        if let postgres { _ = try? SnapshotTransaction.rollback(postgres) }
        postgres = nil
        mysql = nil
    }

    private func sourceSession(snapshotName: String) throws -> PostgresConnection {
        if let postgres, postgresSnapshot == snapshotName { return postgres }
        let connection = try postgres ?? connector.connect(role: "verify")
        do {
            if postgres != nil { _ = try? SnapshotTransaction.rollback(connection) }
            try SnapshotTransaction.join(snapshotName, on: connection)
        } catch let error as PostgresError {
            postgres = nil
            throw error.asSourceError("cannot import snapshot \(snapshotName)")
        }
        postgres = connection
        postgresSnapshot = snapshotName
        return connection
    }

    /// Streams the whole table once, tallying (and keeping) the rows of the pass's chunks.
    func scanSource(_ check: TableCheck, snapshotName: String, cancellation: CancellationFlag) throws {
        let connection = try sourceSession(snapshotName: snapshotName)
        let columns = check.plan.columns.indices.map(check.sourceExpression).joined(separator: ", ")
        let sql = SQLTemplate("postgres/verify_rows").render(check.sourcePlaceholders.merging(["columns": .sql(columns)]) { $1 })
        var tallies: [Int: ChunkTally] = [:]
        var kept: [Int: [CanonicalRow]] = [:]
        do {
            let stream = try connection.copyOut(sql)
            while let buffer = try stream.nextRow() {
                if cancellation.isSet {
                    stream.abandon()
                    postgresSnapshot = nil
                    return
                }
                let fields = CopyText.fields(buffer)
                guard fields.count == check.types.count else {
                    throw Pg2srError.source("verify: \(check.plan.source): COPY returned \(fields.count) fields, expected \(check.types.count)")
                }
                let values = zip(fields, check.types).map { CanonicalValue.canonical($0, as: $1) }
                let chunk = check.chunk(of: values)
                let wanted = check.wants(chunk)
                guard wanted.tally else { continue }
                let digest = RowDigest.of(values)
                tallies[chunk, default: ChunkTally()].add(digest)
                if wanted.keep { kept[chunk, default: []].append(CanonicalRow(values: values, digest: digest)) }
            }
        } catch let error as PostgresError {
            postgresSnapshot = nil
            throw error.asSourceError("cannot read \(check.plan.source) for verification")
        }
        check.addSource(tallies, rows: kept)
    }

    /// One range query per chunk on the StarRocks side.
    func readTarget(_ check: TableCheck, chunk: Int) throws {
        if mysql == nil {
            let session = try TargetSession(target: target)
            try session.useDatabase(create: false)
            mysql = session
        }
        let columns = check.plan.columns.enumerated().map { index, column -> String in
            let name = StarRocksSQL.quoteIdentifier(column.targetName)
            if case .binary = check.types[index] { return "hex(\(name))" }
            return name
        }.joined(separator: ", ")
        let sql = SQLTemplate("starrocks/verify_chunk").render([
            "columns": .sql(columns), "table": .qualified([target.database, check.plan.targetTable]),
            "where": .sql(check.targetPredicate(chunk).map { " WHERE \($0)" } ?? ""),
        ])
        let rows = try mysql!.rows(sql, "cannot read \(target.database).\(check.plan.targetTable) for verification")
        var tally = ChunkTally()
        let keep = check.wants(chunk).keep
        var kept: [CanonicalRow] = []
        for row in rows {
            let values = zip(row, check.types).map { CanonicalValue.canonical($0, as: $1) }
            let digest = RowDigest.of(values)
            tally.add(digest)
            if keep { kept.append(CanonicalRow(values: values, digest: digest)) }
        }
        check.addTarget(chunk: chunk, tally: tally, rows: keep ? kept : nil)
    }
}
