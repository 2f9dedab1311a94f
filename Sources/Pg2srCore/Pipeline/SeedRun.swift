import Foundation
import PostgresClient
import Synchronization

/// `pg2sr seed`: snapshot → plan → target tables → parallel chunk loads → run record.
public final class SeedRun {
    private let source: SourceConnector
    private let target: StarRocksTarget
    private let options: SeedOptions
    private let log: Logger
    private let cancellation: CancellationFlag

    public init(source: SourceConnector, target: StarRocksTarget, options: SeedOptions, log: Logger, cancellation: CancellationFlag) {
        self.source = source
        self.target = target
        self.options = options
        self.log = log
        self.cancellation = cancellation
    }

    public func run() throws -> RunRecord {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: options.createTables)
        let replication = options.ddl.replicationNumber ?? session.defaultReplicationNumber()
        let records = RunRecordStore(connection: session.connection, table: options.runRecordTable, replicationNumber: replication)
        do { try records.ensureTable() } catch {
            throw Pg2srError.target("cannot create the run record table \(options.runRecordTable): \(error)")
        }

        let runID = options.runID ?? Self.newRunID()
        guard StreamLoadLabel.isValidRunID(runID) else {
            throw Pg2srError.usage("--run-id '\(runID)' may only hold ASCII letters, digits, '_' and '-' (at most 40)")
        }
        log.info("run \(runID)")
        let previous = try readRecord(records, runID: runID)
        if options.resume && previous == nil {
            throw Pg2srError.usage("--resume: no run \(runID) in \(target.database).\(options.runRecordTable)")
        }
        if let previous, previous.status == "completed" {
            log.info("run \(runID) already completed at \(previous.finishedAt ?? "?"); nothing to load")
            return previous
        }

        var publication: (name: String, created: Bool)?
        let snapshot: SnapshotProvider
        if let name = options.snapshotName {
            snapshot = try ExternalSnapshot(name: name, connector: source)
        } else if let cdc = options.cdc, previous == nil {
            let prepared = try CDCHandoff(connector: source, options: cdc, log: log).prepare(selection: options.plan)
            snapshot = prepared.snapshot
            publication = (cdc.publication, prepared.createdPublication)
        } else if let original = previous?.snapshot {
            // A resumed run keeps the slot and start time it recorded; its data comes from the
            // original snapshot while that still exists, else from a new one.
            snapshot = try resumeSnapshot(original: original)
        } else {
            snapshot = try ExportedSnapshot(connector: source)
        }
        defer { snapshot.release() }
        if let password = snapshot.catalogConnection.password { log.addSecret(password) }
        log.info("snapshot \(snapshot.info.name) at LSN \(snapshot.info.walLSN), \(snapshot.info.serverTime)")

        let locker = TableLocker(connector: source, timeoutMilliseconds: options.lockWaitTimeoutMilliseconds)
        // The target's version decides what the mapping may use (DECIMAL256 from 4.0).
        var planOptions = options.plan
        planOptions.capabilities = TargetCapabilities(starRocksVersion: session.version())
        var (plan, _) = try SeedPlanner(connection: snapshot.catalogConnection, options: planOptions, locking: locker).plan(log: log)
        if let previousPlan = previous?.plan {
            // A resumed run keeps its chunks (hence its labels): only the missing ones load.
            plan = try Self.reuse(previousPlan, over: plan)
            log.info("resuming run \(runID): \(plan.chunkCount) chunks, those already committed are skipped (data of new chunks is read from a new snapshot)")
        }
        let deduplicates = try prepareTargetTables(plan, session: session, replication: replication)

        var record = RunRecord(runID: runID, status: "running", snapshot: snapshot.info, publication: nil,
                               source: snapshot.catalogConnection.displayName, target: target.description,
                               startedAt: previous?.startedAt ?? RunRecordStore.now(), plan: plan)
        record.publication = publication?.name ?? previous?.publication
        record.createdPublication = publication?.created ?? previous?.createdPublication ?? false
        if let original = previous?.snapshot { record.snapshot = original } // keep the original start for CDC
        let recordWriter = RecordWriter(store: records, target: target, table: options.runRecordTable, retry: options.retry, log: log)
        try recordWriter.write(record)

        let progress = ProgressTracker(plan: plan)
        let reporter = ProgressReporter(tracker: progress, mode: options.progress, interval: options.progressIntervalSeconds, log: log)
        reporter.start()
        let metrics = try options.metricsAddress.map { address in
            try MetricsServer(address: address) { progress.prometheusText() }
        }
        defer { metrics?.stop() }
        let outcome = load(plan: plan, deduplicates: deduplicates, runID: runID, snapshotName: snapshot.info.name,
                           resumed: previous != nil, progress: progress)
        snapshot.release() // every chunk has been read and confirmed
        reporter.stop()

        let (tableProgress, _) = progress.snapshot()
        record.tables = tableProgress
        record.totalRows = tableProgress.reduce(0) { $0 + $1.rows }
        record.totalBytes = tableProgress.reduce(0) { $0 + $1.bytes }
        record.finishedAt = RunRecordStore.now()
        switch outcome {
        case .success:
            record.status = "completed"
        case .failure(let error):
            record.status = Self.isInterruption(error) ? "interrupted" : "failed"
            record.error = log.redact("\(error)")
        }
        do { try recordWriter.write(record) } catch {
            log.warning("\(error)")
        }
        reporter.printSummary(record: record)
        if case .failure(let error) = outcome {
            let command = options.resumeArguments.map { (["pg2sr"] + $0 + ["--resume", "--run-id", runID]).joined(separator: " ") }
                ?? "pg2sr seed --resume --run-id \(runID) (with the same options)"
            log.info("resume with: \(command)")
            throw error
        }
        return record
    }

    // MARK: - Steps

    private func readRecord(_ records: RunRecordStore, runID: String) throws -> RunRecord? {
        do { return try records.read(runID: runID, target: target.description) } catch {
            throw Pg2srError.target("cannot read the run record table \(options.runRecordTable): \(error)")
        }
    }

    /// The snapshot of a resumed run: the original one while it exists (`--snapshot` kept alive
    /// by its exporter), else a new one, said loudly.
    private func resumeSnapshot(original: SnapshotInfo) throws -> SnapshotProvider {
        do {
            let snapshot = try ExternalSnapshot(name: original.name, connector: source)
            log.info("resuming inside the run's original snapshot \(original.name)")
            return snapshot
        } catch Pg2srError.source(let message) where message.contains("snapshot") &&
            (message.contains("invalid snapshot identifier") || message.contains("does not exist") || message.contains("could not import")) {
            let snapshot = try ExportedSnapshot(connector: source)
            log.warning("the run's original snapshot \(original.name) (LSN \(original.walLSN), \(original.serverTime)) no longer exists: "
                + "chunks not yet committed are read from a new snapshot at LSN \(snapshot.info.walLSN). Primary Key tables converge "
                + "once CDC replays from the original start (LSN \(original.walLSN), kept in the run record); a Duplicate Key table "
                + "not yet committed is reloaded whole from the new snapshot")
            return snapshot
        }
    }

    /// Creates missing tables (`--create-tables`) and checks existing ones fit, before any data moves.
    /// Returns, per table, whether the target table deduplicates by key (Primary or Unique Key):
    /// only such tables may take chunks in separate loads.
    private func prepareTargetTables(_ plan: SeedPlan, session: TargetSession, replication: Int?) throws -> [Bool] {
        var ddl = options.ddl
        ddl.replicationNumber = replication
        var deduplicates: [Bool] = []
        for table in plan.tables {
            deduplicates.append(!table.keyColumns.isEmpty)
            if try session.tableExists(table.targetTable) {
                let keys = try session.query("SELECT COLUMN_KEY FROM information_schema.columns WHERE TABLE_SCHEMA = \(StarRocksSQL.quoteString(target.database)) AND TABLE_NAME = \(StarRocksSQL.quoteString(table.targetTable))",
                                             "cannot read the key columns of \(table.targetTable)")
                deduplicates[deduplicates.count - 1] = keys.rows.contains { row in
                    let key = (row.first ?? nil)?.uppercased() ?? ""
                    return key == "PRI" || key == "UNI"
                }
                let existing: [TargetColumn]
                do { existing = try TargetFit.columns(of: table.targetTable, database: target.database, connection: session.connection) } catch {
                    throw Pg2srError.target("cannot read the columns of \(table.targetTable): \(error)")
                }
                let problems = TargetFit.problems(plan: table, existing: existing)
                if !problems.isEmpty {
                    throw Pg2srError.target("target table \(target.database).\(table.targetTable) does not fit \(table.source): " + problems.joined(separator: "; "))
                }
            } else if options.createTables {
                try session.execute(StarRocksDDL.createTable(database: target.database, plan: table, options: ddl),
                                    "cannot create target table \(table.targetTable)")
                log.info("created table \(target.database).\(table.targetTable)")
            } else {
                throw Pg2srError.target("target table \(target.database).\(table.targetTable) does not exist (pass --create-tables, or create it: pg2sr ddl prints the statement)")
            }
        }
        return deduplicates
    }

    private enum LoadOutcome {
        case success
        case failure(Error)
    }

    private func load(plan: SeedPlan, deduplicates: [Bool], runID: String, snapshotName: String, resumed: Bool,
                      progress: ProgressTracker) -> LoadOutcome {
        var tasks: [ChunkTask] = []
        for (index, table) in plan.tables.enumerated() {
            if table.chunks.count > 1 && !deduplicates[index] {
                // No key to deduplicate on: one transaction for the whole table (atomic, and never
                // two snapshots in one table).
                tasks.append(ChunkTask(tableIndex: index, chunk: table.chunks[0],
                                       label: StreamLoadLabel.makeForTable(runID: runID, table: table.targetTable),
                                       copySQL: "", transactionChunks: table.chunks.map { TransactionChunk(chunk: $0, copySQL: table.copyStatement(for: $0)) },
                                       estimatedBytes: table.chunks.reduce(0) { $0 + $1.estimatedBytes }))
                continue
            }
            for chunk in table.chunks {
                tasks.append(ChunkTask(tableIndex: index, chunk: chunk,
                                       label: StreamLoadLabel.make(runID: runID, table: table.targetTable, chunk: chunk.index),
                                       copySQL: table.copyStatement(for: chunk), estimatedBytes: chunk.estimatedBytes))
            }
        }
        let queue = ChunkQueue(tasks)
        let context = SeedContext(
            connector: source, snapshotName: snapshotName, target: target, plan: plan,
            lockTimeoutMilliseconds: options.lockWaitTimeoutMilliseconds, loadTimeoutSeconds: options.loadTimeoutSeconds,
            retry: options.retry, rateLimiter: options.maxRateBytesPerSecond.map { RateLimiter(bytesPerSecond: $0) },
            sleepBetweenChunks: options.sleepBetweenChunks, checkLabelsFirst: resumed, cancellation: cancellation,
            progress: progress, log: log)
        let firstError = Mutex<Error?>(nil)
        let cancellation = self.cancellation
        runOnThreads(count: max(1, min(options.jobs, tasks.count)), name: "pg2sr-worker") { index in
            do {
                try SeedWorker(id: index, context: context).run(queue: queue)
            } catch {
                let isFirst = firstError.withLock { current -> Bool in
                    guard current == nil else { return false }
                    current = error
                    return true
                }
                // One chunk failed for good: stop handing out chunks and abort the others.
                if isFirst && !(error is ChunkCanceled) { cancellation.set() }
                queue.drain()
            }
        }
        if let error = firstError.withLock({ $0 }) {
            if error is ChunkCanceled { return .failure(interruptedError()) }
            return .failure(error)
        }
        if cancellation.isSet { return .failure(interruptedError()) }
        return .success
    }

    private func interruptedError() -> Error {
        guard let signal = cancellation.signal else { return Pg2srError.target("the run was stopped") }
        return Pg2srError.interrupted(signal: signal)
    }

    private static func isInterruption(_ error: Error) -> Bool {
        if case Pg2srError.interrupted = error { return true }
        return false
    }

    static func reuse(_ previous: SeedPlan, over current: SeedPlan) throws -> SeedPlan {
        var plan = current
        for index in plan.tables.indices {
            guard let old = previous.tables.first(where: { $0.source == plan.tables[index].source }) else {
                throw Pg2srError.usage("table \(plan.tables[index].source) was not part of the run being resumed; resume with the original selection")
            }
            guard old.columns == plan.tables[index].columns else {
                throw Pg2srError.source("table \(old.source) changed since the run started (columns differ); start a new run")
            }
            plan.tables[index].chunks = old.chunks
            plan.tables[index].targetTable = old.targetTable
            plan.tables[index].keyColumns = old.keyColumns
        }
        return plan
    }

    static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
    }
}

/// Writes the run record, reconnecting when the MySQL session broke (a restarted FE).
final class RecordWriter {
    private var store: RunRecordStore
    private let target: StarRocksTarget
    private let table: String
    private let retry: RetryPolicy
    private let log: Logger

    init(store: RunRecordStore, target: StarRocksTarget, table: String, retry: RetryPolicy, log: Logger) {
        self.store = store
        self.target = target
        self.table = table
        self.retry = retry
        self.log = log
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
                    throw Pg2srError.target("cannot write the run record to \(target.database).\(table): \(error)")
                }
                Thread.sleep(forTimeInterval: retry.delay(forAttempt: attempt))
                if let session = try? TargetSession(target: target), (try? session.useDatabase(create: false)) != nil {
                    store = RunRecordStore(connection: session.connection, table: table, replicationNumber: store.replicationNumber)
                }
            }
        }
    }
}
