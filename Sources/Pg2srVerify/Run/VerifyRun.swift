// `pg2sr verify`: reads both sides per key range, compares checksums, narrows differences down to rows.
import Foundation
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

/// `pg2sr verify`: per table, row count and content checksum of source and target, per key
/// range (chunk), narrowed down to rows where they differ.
///
/// Design: both sides are read and compared by pg2sr itself, not summed up inside each
/// database. PostgreSQL renders every column with the mapping's `verifyExpression` (the value
/// StarRocks must hold, in a fresh REPEATABLE READ snapshot); StarRocks returns the stored
/// values over MySQL; one function (`CanonicalValue`) turns both texts into the same canonical
/// form per StarRocks type before hashing. Checksums computed by the two SQL engines would
/// need byte-identical renderings of doubles, DATETIME fractions, JSON and arrays in two
/// dialects — formats that differ between StarRocks versions and that the tests cannot check
/// against a real cluster; a mismatch there would report a difference that is not one (or hide
/// one). Reading through one canonicalizer is exact and version-proof, at the price of moving
/// every row over the network once (as the seed did) and the client's CPU.
///
/// To keep memory bounded and narrow differences, each table is cut into ranges of its first
/// key column (for tables without a key: of its first column, which is StarRocks' sort key)
/// at quantiles of a sample taken in the snapshot. StarRocks answers one range query per chunk
/// (a sort-key range scan); PostgreSQL streams the table once (COPY, no ORDER BY, no
/// collation-dependent predicates: each row is assigned to its chunk by comparing canonical
/// values the way StarRocks orders them). A chunk's checksum is its row count plus the sum of
/// its row digests (`RowDigest`), so neither side needs an order. Differing chunks are read
/// again with their rows kept and compared by key: rows missing in the target, extra rows and
/// changed rows with the differing columns.
public final class VerifyRun {
    private let source: SourceConnector
    private let target: StarRocksTarget
    private let options: VerifyOptions
    private let log: Logger
    private let cancellation: CancellationFlag

    public init(source: SourceConnector, target: StarRocksTarget, options: VerifyOptions, log: Logger, cancellation: CancellationFlag) {
        self.source = source
        self.target = target
        self.options = options
        self.log = log
        self.cancellation = cancellation
    }

    public func run() throws -> VerifyReport {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        var snapshot: SnapshotProvider = try ExportedSnapshot(connector: source)
        defer { snapshot.release() }
        log.info("source snapshot \(snapshot.info.name) at LSN \(snapshot.info.walLSN), \(snapshot.info.serverTime)")

        let plan: SeedPlan
        if let runID = options.runID {
            let record = try RunRecords.read(target: target, runID: runID, table: options.runRecordTable)
            guard let recorded = record.plan else { throw Pg2srError.usage("run \(runID) has no plan in its run record") }
            plan = recorded
        } else {
            plan = try SeedPlanner(snapshot: snapshot, connector: source, options: options.plan,
                                   lockWaitTimeoutMilliseconds: options.lockWaitTimeoutMilliseconds).plan(log: log)
        }
        var report = VerifyReport(runID: options.runID, snapshot: snapshot.info)
        var checks: [TableCheck] = []
        for table in plan.tables {
            let check = TableCheck(plan: table)
            check.targetExists = try session.tableExists(table.targetTable)
            try check.planChunks(connection: snapshot.catalogConnection, chunkRows: options.chunkRows)
            checks.append(check)
        }
        log.info("verifying \(checks.count) table(s), \(checks.reduce(0) { $0 + $1.chunkCount }) chunk(s)")

        let workers = (0..<max(1, options.jobs)).map { _ in VerifyWorker(connector: source, target: target) }
        defer { workers.forEach { $0.close() } }
        // Pass 0: every chunk, checksums only.
        try runPass(checks, workers: workers, snapshotName: snapshot.info.name, detail: false)
        for check in checks { check.pending = check.differingChunks() }
        // Narrowing (and, on a live target, rechecks in fresh snapshots).
        var recheck = 0
        var passes = 1
        while checks.contains(where: { !$0.pending.isEmpty }), recheck <= options.rechecks {
            if recheck == 0 && options.detailChunks == 0 {
                recheck += 1 // nothing to narrow: go straight to the rechecks, if any
                continue
            }
            if recheck > 0 {
                log.info("rechecking \(checks.reduce(0) { $0 + $1.pending.count }) differing chunk(s) in \(options.recheckDelaySeconds)s (pass \(recheck + 1))")
                snapshot.release()
                Thread.sleep(forTimeInterval: options.recheckDelaySeconds)
                snapshot = try ExportedSnapshot(connector: source)
            }
            try runPass(checks, workers: workers, snapshotName: snapshot.info.name, detail: true)
            for check in checks { check.pending = check.differingChunks().filter(check.pending.contains) }
            passes += 1
            recheck += 1
        }
        report.passes = passes
        report.tables = checks.map { $0.report(maxDifferences: options.maxDifferences) }
        return report
    }

    /// One pass over the chunks each check has pending (all of them in pass 0).
    private func runPass(_ checks: [TableCheck], workers: [VerifyWorker], snapshotName: String, detail: Bool) throws {
        var tasks: [VerifyTask] = []
        for (index, check) in checks.enumerated() {
            let chunks = detail ? check.pending : Set(0..<check.chunkCount)
            guard !chunks.isEmpty else { continue }
            check.beginPass(chunks: chunks, collect: detail ? Set(chunks.sorted().prefix(options.detailChunks)) : [])
            tasks.append(.source(table: index))
            if check.targetExists {
                for chunk in chunks.sorted() { tasks.append(.target(table: index, chunk: chunk)) }
            }
        }
        let queue = TaskQueue(tasks)
        let failure = FirstError()
        let cancellation = self.cancellation
        runOnThreads(count: min(workers.count, max(tasks.count, 1)), name: "pg2sr-verify") { index in
            let worker = workers[index]
            while !cancellation.isSet, failure.isEmpty, let task = queue.next() {
                do {
                    switch task {
                    case .source(let table): try worker.scanSource(checks[table], snapshotName: snapshotName, cancellation: cancellation)
                    case .target(let table, let chunk): try worker.readTarget(checks[table], chunk: chunk)
                    }
                } catch {
                    failure.record(error)
                }
            }
        }
        if let error = failure.error { throw error }
        if let signal = cancellation.signal { throw Pg2srError.interrupted(signal: signal) }
    }
}
