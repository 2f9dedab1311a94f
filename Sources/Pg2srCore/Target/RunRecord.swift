import Foundation
import MySQLClient

/// The run record: one row per run in the target database (`pg2sr_runs` by default), written
/// over the MySQL protocol. With the chunk labels it is all a resumed run needs.
public struct RunRecord: Codable, Sendable {
    public var runID: String
    public var status: String
    public var snapshot: SnapshotInfo?
    public var publication: String?
    /// pg2sr created the publication (and so `cleanup` may drop it).
    public var createdPublication = false
    public var source: String
    public var target: String
    public var startedAt: String
    public var finishedAt: String?
    public var totalRows: Int64 = 0
    public var totalBytes: Int64 = 0
    public var tables: [ProgressTracker.TableProgress] = []
    public var plan: SeedPlan?
    public var error: String?
}

/// Reads and writes run records.
struct RunRecordStore {
    let connection: MySQLConnection
    let table: String
    let replicationNumber: Int?

    func ensureTable() throws {
        let properties = replicationNumber.map { "PROPERTIES (\"replication_num\" = \"\($0)\")" } ?? ""
        try connection.execute(SQLFile.text("starrocks/run_record", substituting: ["table": table, "properties": properties]))
    }

    func write(_ record: RunRecord) throws {
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
        let sql = "INSERT INTO \(StarRocksSQL.quoteIdentifier(table)) (`run_id`, `status`, `snapshot_name`, `snapshot_lsn`, `snapshot_time`, `slot_name`, `publication`, `created_publication`, `source`, `started_at`, `finished_at`, `total_rows`, `total_bytes`, `tables_json`, `plan_json`, `error`) VALUES ("
            + values.map(StarRocksSQL.literal).joined(separator: ", ") + ")"
        try connection.execute(sql)
    }

    func read(runID: String, target: String) throws -> RunRecord? {
        let result = try connection.query("SELECT `run_id`, `status`, `snapshot_name`, `snapshot_lsn`, `snapshot_time`, `slot_name`, `publication`, `created_publication`, `source`, `started_at`, `finished_at`, `total_rows`, `total_bytes`, `tables_json`, `plan_json`, `error` FROM \(StarRocksSQL.quoteIdentifier(table)) WHERE `run_id` = \(StarRocksSQL.quoteString(runID))")
        guard !result.rows.isEmpty else { return nil }
        let decoder = JSONDecoder()
        func value(_ name: String) -> String? { result.value(0, name) }
        var snapshot: SnapshotInfo?
        if let name = value("snapshot_name") {
            snapshot = SnapshotInfo(name: name, walLSN: value("snapshot_lsn") ?? "", serverTime: Self.iso(value("snapshot_time") ?? ""), slotName: value("slot_name"))
        }
        return RunRecord(
            runID: runID, status: value("status") ?? "", snapshot: snapshot, publication: value("publication"),
            createdPublication: value("created_publication") == "1" || value("created_publication")?.lowercased() == "true",
            source: value("source") ?? "", target: target, startedAt: Self.iso(value("started_at") ?? ""),
            finishedAt: value("finished_at").map(Self.iso),
            totalRows: Int64(value("total_rows") ?? "") ?? 0, totalBytes: Int64(value("total_bytes") ?? "") ?? 0,
            tables: (try? decoder.decode([ProgressTracker.TableProgress].self, from: Data((value("tables_json") ?? "[]").utf8))) ?? [],
            plan: value("plan_json").flatMap { try? decoder.decode(SeedPlan.self, from: Data($0.utf8)) },
            error: value("error"))
    }

    /// ISO-8601 UTC (`2026-11-25T12:00:00.123456Z`) → StarRocks DATETIME text.
    static func datetime(_ iso: String) -> String {
        iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// StarRocks DATETIME text → ISO-8601 UTC.
    static func iso(_ datetime: String) -> String {
        datetime.isEmpty ? "" : datetime.replacingOccurrences(of: " ", with: "T") + "Z"
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
