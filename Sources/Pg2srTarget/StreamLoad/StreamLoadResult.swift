// The BE's reply to a Stream Load: the verdict is its `Status`, never the HTTP code.
import Pg2srSupport

/// The BE's JSON reply to a Stream Load. Success is decided by `status`, never by HTTP codes.
public struct StreamLoadResult: Sendable {
    public enum Status: Sendable, Equatable {
        case success
        /// Committed; visibility not yet confirmed. StarRocks docs: no retry needed.
        case publishTimeout
        /// The label is taken: `FINISHED` (already loaded) or `RUNNING` (still in progress).
        case labelAlreadyExists(existingJobStatus: String)
        case fail
        /// FE-side failure (`FAILED`) or anything unexpected.
        case other(String)
    }

    public var status: Status
    /// `Status` as StarRocks wrote it.
    public var statusText: String
    public var message: String
    public var txnID: Int64
    public var totalRows: Int64
    public var loadedRows: Int64
    public var filteredRows: Int64
    public var unselectedRows: Int64
    public var loadBytes: Int64
    public var errorURL: String?

    public init(json: [UInt8]) throws {
        let reply = try ReplyObject(json: json, what: "Stream Load")
        statusText = reply.status
        switch statusText {
        case "Success": status = .success
        case "Publish Timeout": status = .publishTimeout
        case "Label Already Exists": status = .labelAlreadyExists(existingJobStatus: reply.string("ExistingJobStatus") ?? "")
        case "Fail": status = .fail
        default: status = .other(statusText)
        }
        message = reply.message
        txnID = reply.int("TxnId")
        totalRows = reply.int("NumberTotalRows")
        loadedRows = reply.int("NumberLoadedRows")
        filteredRows = reply.int("NumberFilteredRows")
        unselectedRows = reply.int("NumberUnselectedRows")
        loadBytes = reply.int("LoadBytes")
        errorURL = reply.string("ErrorURL")
    }

    /// Committed (visible now or shortly).
    public var isCommitted: Bool { status == .success || status == .publishTimeout }
}
