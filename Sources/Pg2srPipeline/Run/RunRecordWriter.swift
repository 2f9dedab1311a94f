// Writes the run record with retries, reconnecting when the MySQL session broke (a restarted FE).
import Foundation
import Pg2srModel
import Pg2srSupport
import Pg2srTarget

/// Writes the run record, reconnecting when the MySQL session broke (a restarted FE).
final class RunRecordWriter {
    private var store: RunRecordStore
    private let target: StarRocksTarget
    private let retry: RetryPolicy

    init(store: RunRecordStore, target: StarRocksTarget, retry: RetryPolicy) {
        self.store = store
        self.target = target
        self.retry = retry
    }

    func write(_ record: RunRecord) throws {
        var attempt = 0
        while true {
            do {
                try store.write(record)
                return
            } catch {
                attempt += 1
                guard attempt <= max(retry.maxRetries, 1) else {
                    throw Pg2srError.target("cannot write the run record to \(target.database).\(store.table): \(error)")
                }
                Thread.sleep(forTimeInterval: retry.delay(forAttempt: attempt))
                if let session = try? TargetSession(target: target), (try? session.useDatabase(create: false)) != nil {
                    store = RunRecordStore(session: session, table: store.table, replicationNumber: store.replicationNumber)
                }
            }
        }
    }
}
