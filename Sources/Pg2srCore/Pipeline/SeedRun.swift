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
        } else {
            // A resumed run keeps the slot and start time it recorded; its data comes from a new snapshot.
            snapshot = try ExportedSnapshot(connector: source)
        }
        defer { snapshot.release() }
        log.info("snapshot \(snapshot.info.name) at LSN \(snapshot.info.walLSN), \(snapshot.info.serverTime)")

        let locker = TableLocker(connector: source, timeoutMilliseconds: options.lockWaitTimeoutMilliseconds)
        var (plan, _) = try SeedPlanner(connection: snapshot.catalogConnection, options: options.plan, locking: locker).plan(log: log)
        if let previousPlan = previous?.plan {
            // A resumed run keeps its chunks (hence its labels): only the missing ones load.
            plan = try Self.reuse(previousPlan, over: plan)
            log.info("resuming run \(runID): \(plan.chunkCount) chunks, those already committed are skipped (data of new chunks is read from a new snapshot)")
        }
        try prepareTargetTables(plan, session: session, replication: replication)

        var record = RunRecord(runID: runID, status: "running", snapshot: snapshot.info, publication: nil,
                               source: snapshot.catalogConnection.displayName, target: target.description,
                               startedAt: previous?.startedAt ?? RunRecordStore.now(), plan: plan)
        record.publication = publication?.name ?? previous?.publication
        record.createdPublication = publication?.created ?? previous?.createdPublication ?? false
        if let original = previous?.snapshot { record.snapshot = original } // keep the original start for CDC
        try writeRecord(records, record)

        let progress = ProgressTracker(plan: plan)
        let reporter = ProgressReporter(tracker: progress, mode: options.progress, interval: options.progressIntervalSeconds, log: log)
        reporter.start()
        let outcome = load(plan: plan, runID: runID, snapshotName: snapshot.info.name, resumed: previous != nil, progress: progress)
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
        try? writeRecord(records, record)
        reporter.printSummary(record: record)
        if case .failure(let error) = outcome {
            if Self.isInterruption(error) {
                log.info("resume with: pg2sr seed --resume --run-id \(runID) (and the same selection options)")
            }
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

    private func writeRecord(_ records: RunRecordStore, _ record: RunRecord) throws {
        do { try records.write(record) } catch {
            throw Pg2srError.target("cannot write the run record: \(error)")
        }
    }

    /// Creates missing tables (`--create-tables`) and checks existing ones fit, before any data moves.
    private func prepareTargetTables(_ plan: SeedPlan, session: TargetSession, replication: Int?) throws {
        var ddl = options.ddl
        ddl.replicationNumber = replication
        for table in plan.tables {
            if try session.tableExists(table.targetTable) {
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
    }

    private enum LoadOutcome {
        case success
        case failure(Error)
    }

    private func load(plan: SeedPlan, runID: String, snapshotName: String, resumed: Bool, progress: ProgressTracker) -> LoadOutcome {
        var tasks: [ChunkTask] = []
        for (index, table) in plan.tables.enumerated() {
            for chunk in table.chunks {
                tasks.append(ChunkTask(tableIndex: index, chunk: chunk,
                                       label: StreamLoadLabel.make(runID: runID, table: table.targetTable, chunk: chunk.index),
                                       copySQL: table.copyStatement(for: chunk)))
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
