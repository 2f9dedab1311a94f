// What StarRocks knows of a label: committed, in progress or free.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

extension SeedWorker {
    func labelState(_ label: String) throws -> String {
        do { return try loads.loadState(label: label) } catch let error as StreamLoadTransportError {
            throw RetryableFailure(message: error.message)
        }
    }

    func labelIsCommitted(_ label: String) throws -> Bool {
        let state = try labelState(label)
        if state == "VISIBLE" || state == "COMMITTED" { return true }
        if state == "PREPARE" || state == "PREPARED" { return try waitForLabel(label) }
        return false
    }

    /// Polls `get_load_state` until the label's transaction is final; true if it committed.
    func waitForLabel(_ label: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(Double(context.loadTimeoutSeconds))
        while Date() < deadline {
            if context.cancellation.isSet { throw ChunkCanceled() }
            switch try labelState(label) {
            case "VISIBLE", "COMMITTED": return true
            case "ABORTED", "UNKNOWN": return false
            default: Thread.sleep(forTimeInterval: 0.5)
            }
        }
        throw RetryableFailure(message: "label \(label) stayed in progress past the load timeout")
    }
}
