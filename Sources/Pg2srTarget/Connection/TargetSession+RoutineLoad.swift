// Routine Load jobs of the target database as StarRocks lists them, and stopping one.
import Pg2srSupport

/// One row of `SHOW ALL ROUTINE LOAD FROM db`.
public struct RoutineLoadListing: Sendable {
    public var name: String
    public var table: String
    public var state: String
    /// partition → last consumed offset, as JSON text.
    public var progress: String
    public var reasonOfStateChange: String?
}

extension TargetSession {
    /// Every job of the target database, stopped ones included, oldest first.
    public func routineLoadJobs() throws -> [RoutineLoadListing] {
        let sql = SQLTemplate("starrocks/show_routine_loads").render(["database": .identifier(target.database)])
        let result = try query(sql, "cannot list Routine Load jobs")
        return result.rows.indices.compactMap { row in
            guard let name = result.value(row, "Name") else { return nil }
            return RoutineLoadListing(name: name, table: result.value(row, "TableName") ?? "", state: result.value(row, "State") ?? "",
                                      progress: result.value(row, "Progress") ?? "{}",
                                      reasonOfStateChange: result.value(row, "ReasonOfStateChanged"))
        }
    }

    /// `STOP ROUTINE LOAD` (a stopped job cannot resume; its name becomes free). Throws the
    /// server's error as it is: stopping a job that is gone is not a failure of `cleanup`.
    public func stopRoutineLoad(_ name: String) throws {
        try connection.execute(SQLTemplate("starrocks/stop_routine_load").render(["database": .identifier(target.database), "job": .word(name)]))
    }
}

extension RoutineLoadListing {
    /// Jobs in these states still hold their name (§6.1): a new job cannot take it.
    public var isActive: Bool { !["STOPPED", "CANCELLED"].contains(state) }
}
