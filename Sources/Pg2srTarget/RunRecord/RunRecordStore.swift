// Reads and writes run records in the target database over the MySQL protocol.
import Foundation
import MySQLClient
import Pg2srModel
import Pg2srSupport

/// Reads and writes run records.
public struct RunRecordStore {
    let connection: MySQLConnection
    public let table: String
    /// replication_num of the table when it is created (nil: the cluster's default).
    public let replicationNumber: Int?

    /// The store in `table` of the session's database.
    public init(session: TargetSession, table: String, replicationNumber: Int?) {
        connection = session.connection
        self.table = table
        self.replicationNumber = replicationNumber
    }

    /// Creates the table unless it exists.
    public func ensureTable() throws {
        let properties = replicationNumber.map { "PROPERTIES (\(StarRocksSQL.doubleQuoted("replication_num")) = \(StarRocksSQL.doubleQuoted(String($0))))" } ?? ""
        try connection.execute(SQLTemplate("starrocks/run_record").render(["table": .identifier(table), "properties": .sql(properties)]))
    }

    public func write(_ record: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let tablesJSON = String(decoding: try encoder.encode(record.tables), as: UTF8.self)
        let planJSON = try record.plan.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let values: [String?] = [
            record.runID, record.status, record.snapshot?.name, record.snapshot?.walLSN,
            record.snapshot.map { Self.datetime($0.serverTime) }, record.snapshot?.slotName, record.publication,
            record.createdPublication ? "1" : "0",
            record.source, Self.datetime(record.startedAt), record.finishedAt.map(Self.datetime),
            String(record.totalRows), String(record.totalBytes), tablesJSON, planJSON, record.error,
        ]
        let sql = SQLTemplate("starrocks/write_run_record").render([
            "table": .identifier(table), "values": .sql(values.map(StarRocksSQL.literal).joined(separator: ", ")),
        ])
        try connection.execute(sql)
    }

    public func read(runID: String, target: String) throws -> RunRecord? {
        let result = try connection.query(SQLTemplate("starrocks/read_run_record").render(["table": .identifier(table), "run_id": .literal(runID)]))
        guard !result.rows.isEmpty else { return nil }
        let decoder = JSONDecoder()
        func value(_ name: String) -> String? { result.value(0, name) }
        var snapshot: SnapshotInfo?
        if let name = value("snapshot_name") {
            snapshot = SnapshotInfo(name: name, walLSN: value("snapshot_lsn") ?? "", serverTime: Self.iso(value("snapshot_time") ?? ""), slotName: value("slot_name"))
        }
        var record = RunRecord(runID: runID, status: value("status") ?? "", snapshot: snapshot, publication: value("publication"),
                               source: value("source") ?? "", target: target, startedAt: Self.iso(value("started_at") ?? ""),
                               plan: value("plan_json").flatMap { try? decoder.decode(SeedPlan.self, from: Data($0.utf8)) })
        record.createdPublication = value("created_publication") == "1" || value("created_publication")?.lowercased() == "true"
        record.finishedAt = value("finished_at").map(Self.iso)
        record.totalRows = Int64(value("total_rows") ?? "") ?? 0
        record.totalBytes = Int64(value("total_bytes") ?? "") ?? 0
        record.tables = (try? decoder.decode([TableProgress].self, from: Data((value("tables_json") ?? "[]").utf8))) ?? []
        record.error = value("error")
        return record
    }

    /// ISO-8601 UTC (`2026-11-25T12:00:00.123456Z`) → StarRocks DATETIME text.
    static func datetime(_ iso: String) -> String {
        iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// StarRocks DATETIME text → ISO-8601 UTC.
    static func iso(_ datetime: String) -> String {
        datetime.isEmpty ? "" : datetime.replacingOccurrences(of: " ", with: "T") + "Z"
    }

    public static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
