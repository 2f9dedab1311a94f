// The reply to a Stream Load transaction call (begin, load, commit, rollback).

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
        let reply = try ReplyObject(json: json, what: "a Stream Load transaction call")
        status = reply.status
        message = reply.message
        existingJobStatus = reply.string("ExistingJobStatus")
        txnID = reply.int("TxnId")
        loadedRows = reply.int("NumberLoadedRows")
        filteredRows = reply.int("NumberFilteredRows")
        errorURL = reply.string("ErrorURL")
    }

    public var isOK: Bool { status == "OK" }
}
