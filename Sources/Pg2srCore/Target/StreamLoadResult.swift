import Foundation

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
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            let text = String(decoding: json.prefix(200), as: UTF8.self)
            throw Pg2srError.target("Stream Load answered with something that is not a JSON object: \(text)")
        }
        func int(_ key: String) -> Int64 { (object[key] as? NSNumber)?.int64Value ?? Int64(object[key] as? String ?? "") ?? 0 }
        let statusText = (object["Status"] as? String) ?? (object["status"] as? String) ?? ""
        self.statusText = statusText
        switch statusText {
        case "Success": status = .success
        case "Publish Timeout": status = .publishTimeout
        case "Label Already Exists": status = .labelAlreadyExists(existingJobStatus: object["ExistingJobStatus"] as? String ?? "")
        case "Fail": status = .fail
        default: status = .other(statusText)
        }
        message = (object["Message"] as? String) ?? (object["message"] as? String) ?? (object["msg"] as? String) ?? ""
        txnID = int("TxnId")
        totalRows = int("NumberTotalRows")
        loadedRows = int("NumberLoadedRows")
        filteredRows = int("NumberFilteredRows")
        unselectedRows = int("NumberUnselectedRows")
        loadBytes = int("LoadBytes")
        errorURL = object["ErrorURL"] as? String
    }

    /// Committed (visible now or shortly).
    public var isCommitted: Bool { status == .success || status == .publishTimeout }
}

/// The reply to a Stream Load transaction call (begin/load/prepare/commit/rollback, reference
/// §4). `Status` is a TStatusCode name (`OK`, `LABEL_ALREADY_EXISTS`, `TXN_NOT_EXISTS`,
/// `TXN_IN_PROCESSING`, ...) or the FE's `FAILED`; anything but `OK` is a failure.
public struct TransactionReply: Sendable {
    public var status: String
    public var message: String
    public var existingJobStatus: String?
    public var txnID: Int64
    public var loadedRows: Int64
    public var filteredRows: Int64
    public var errorURL: String?

    public init(json: [UInt8]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            let text = String(decoding: json.prefix(200), as: UTF8.self)
            throw Pg2srError.target("a Stream Load transaction call answered with something that is not a JSON object: \(text)")
        }
        func int(_ key: String) -> Int64 { (object[key] as? NSNumber)?.int64Value ?? Int64(object[key] as? String ?? "") ?? 0 }
        status = (object["Status"] as? String) ?? (object["status"] as? String) ?? ""
        message = (object["Message"] as? String) ?? (object["message"] as? String) ?? (object["msg"] as? String) ?? ""
        existingJobStatus = object["ExistingJobStatus"] as? String
        txnID = int("TxnId")
        loadedRows = int("NumberLoadedRows")
        filteredRows = int("NumberFilteredRows")
        errorURL = object["ErrorURL"] as? String
    }

    public var isOK: Bool { status == "OK" }
}
