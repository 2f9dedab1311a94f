// `pg2sr seed`: snapshot → plan → target tables → parallel chunk loads → run record.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

/// `pg2sr seed`: snapshot → plan → target tables → parallel chunk loads → run record.
public final class SeedRun {
    let source: SourceConnector
    let target: StarRocksTarget
    let options: SeedOptions
    let log: Logger
    let cancellation: CancellationFlag

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
        let records = RunRecordStore(session: session, table: options.runRecordTable, replicationNumber: replication)
        do { try records.ensureTable() } catch {
            throw Pg2srError.target("cannot create the run record table \(options.runRecordTable): \(error)")
        }

        let runID = options.runID ?? RunID.generate()
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

        let (snapshot, publication) = try openSnapshot(previous: previous)
        defer { snapshot.release() }
        if let password = snapshot.catalogConnection.password { log.addSecret(password) }
        log.info("snapshot \(snapshot.info.name) at LSN \(snapshot.info.walLSN), \(snapshot.info.serverTime)")

        // The target's version decides what the mapping may use (DECIMAL256 from 4.0).
        var planOptions = options.plan
        planOptions.capabilities = TargetCapabilities(starRocksVersion: session.version())
        var plan = try SeedPlanner(snapshot: snapshot, connector: source, options: planOptions,
                                   lockWaitTimeoutMilliseconds: options.lockWaitTimeoutMilliseconds).plan(log: log)
        if let previousPlan = previous?.plan {
            // A resumed run keeps its chunks (hence its labels): only the missing ones load.
            plan = try plan.keepingChunks(of: previousPlan)
            log.info("resuming run \(runID): \(plan.chunkCount) chunks, those already committed are skipped (data of new chunks is read from a new snapshot)")
        }
        var ddl = options.ddl
        ddl.replicationNumber = replication
        let deduplicates = try TargetTables.prepare(plan, session: session, createTables: options.createTables, ddl: ddl, log: log)

        var record = RunRecord(runID: runID, status: "running", snapshot: snapshot.info, publication: nil,
                               source: snapshot.catalogConnection.displayName, target: target.description,
                               startedAt: previous?.startedAt ?? RunRecordStore.now(), plan: plan)
        record.publication = publication?.name ?? previous?.publication
        record.createdPublication = publication?.created ?? previous?.createdPublication ?? false
        if let original = previous?.snapshot { record.snapshot = original } // keep the original start for CDC
        let recordWriter = RunRecordWriter(store: records, target: target, retry: options.retry)
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

    private func readRecord(_ records: RunRecordStore, runID: String) throws -> RunRecord? {
        do { return try records.read(runID: runID, target: target.description) } catch {
            throw Pg2srError.target("cannot read the run record table \(options.runRecordTable): \(error)")
        }
    }

    private static func isInterruption(_ error: Error) -> Bool {
        if case Pg2srError.interrupted = error { return true }
        return false
    }
}
