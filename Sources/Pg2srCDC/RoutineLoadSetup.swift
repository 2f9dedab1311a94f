// `pg2sr routine-load`: one Routine Load job per table of a run, from the Kafka offsets of its start time.
import Foundation
import KafkaClient
import Pg2srModel
import Pg2srSupport
import Pg2srTarget

/// `pg2sr routine-load`: one Routine Load job per table of a run, each starting, per partition,
/// at the first Kafka offset whose timestamp is at or after (the run's recorded start time −
/// skew margin), so that CDC replays everything the snapshot may lack. Kafka timestamps are
/// Connect's produce time, later than the commit: starting early only replays changes, which
/// converge on Primary Key tables; starting late would lose them.
public struct RoutineLoadSetup {
    let target: StarRocksTarget
    let options: RoutineLoadOptions
    let log: Logger

    public init(target: StarRocksTarget, options: RoutineLoadOptions, log: Logger) {
        self.target = target
        self.options = options
        self.log = log
    }

    public func run(record: RunRecord) throws -> [RoutineLoadReport] {
        guard let plan = record.plan, let snapshot = record.snapshot else {
            throw Pg2srError.usage("run \(record.runID) has no plan or snapshot in its run record")
        }
        guard let start = Self.epochMilliseconds(snapshot.serverTime) else {
            throw Pg2srError.target("run \(record.runID) has an unreadable snapshot time '\(snapshot.serverTime)'")
        }
        let from = start - Int64(options.skewMarginSeconds * 1000)
        // Validate every table before any side effect: a column Debezium cannot carry is refused
        // here, not discovered later as NULLs (docs/cdc-fidelity.md).
        let streamed = plan.tables.filter { !$0.keyColumns.isEmpty || options.includeDuplicateKeyTables }
        var kept: [String: Set<String>] = [:]
        for table in streamed {
            kept[table.targetTable] = try CDCStreamability.keptColumns(of: table, envelope: options.envelope, keepUnstreamed: options.keepUnstreamed)
            let probe = RoutineLoadJob(name: "", database: "", table: table.targetTable, topic: "", brokers: "", offsets: [:], envelope: options.envelope,
                                       columns: table.columns, keptColumns: kept[table.targetTable] ?? [])
            if let problem = probe.problem {
                throw Pg2srError.usage("\(table.source.qualifiedPlain) cannot be streamed: \(problem); seed it with --key, or leave it out of the run")
            }
        }
        let kafka: KafkaMetadataClient
        do {
            kafka = try KafkaMetadataClient(brokers: options.brokers, config: options.kafkaProperties, redact: { [log] in log.redact($0) })
        } catch let error as KafkaError {
            throw Pg2srError.cdc(error.message)
        }
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        let existing = try existingJobs(session)

        var reports: [RoutineLoadReport] = []
        for table in plan.tables {
            let topic = DebeziumConfig.topic(prefix: options.topicPrefix, table: table.source)
            let name = RoutineLoadJob.name(runID: record.runID, table: table.targetTable)
            if table.keyColumns.isEmpty && !options.includeDuplicateKeyTables {
                log.warning("no Routine Load job for \(table.source): its target \(table.targetTable) is a DUPLICATE KEY table, where updates and deletes cannot apply and replayed inserts would duplicate rows (seed it with --key, or pass --include-duplicate-key-tables)")
                reports.append(RoutineLoadReport(table: table.source.description, job: name, topic: topic, action: "skipped", offsets: [:],
                                                 note: "DUPLICATE KEY table"))
                continue
            }
            // A STOPPED or CANCELLED job no longer holds its name (§6.1): a new job may take it.
            if let job = existing[name], job.isActive {
                guard job.table == table.targetTable else {
                    throw Pg2srError.target("Routine Load job name clash: \(target.database).\(name) exists for table \(job.table), not \(table.targetTable)")
                }
                reports.append(RoutineLoadReport(table: table.source.description, job: name, topic: topic, action: "exists", state: job.state, offsets: [:]))
                continue
            }
            let offsets: [Int32: Int64]
            do {
                offsets = try kafka.startOffsets(forTimestamp: from, topic: topic)
            } catch let error as KafkaError where error.kind == .topicNotFound {
                throw Pg2srError.cdc("Kafka topic \(topic) does not exist: is the Debezium connector running (pg2sr debezium-config --register) and has it seen a change of \(table.source)?")
            } catch let error as KafkaError {
                throw Pg2srError.cdc(error.message)
            }
            let job = RoutineLoadJob(name: name, database: target.database, table: table.targetTable, topic: topic,
                                     brokers: options.brokers, offsets: offsets, envelope: options.envelope, columns: table.columns,
                                     keptColumns: kept[table.targetTable] ?? [], kafkaProperties: options.kafkaProperties)
            if let keptHere = kept[table.targetTable], !keptHere.isEmpty {
                log.warning("\(table.source): the job leaves \(keptHere.sorted().joined(separator: ", ")) as the snapshot loaded them (--keep-unstreamed); changes to them are not carried")
            }
            var report = RoutineLoadReport(table: table.source.description, job: name, topic: topic, action: options.dryRun ? "planned" : "created",
                                           offsets: Dictionary(uniqueKeysWithValues: offsets.map { (String($0.key), $0.value) }))
            if options.dryRun {
                report.statement = log.redact(job.createStatement)
            } else {
                try session.execute(job.createStatement, "StarRocks rejected CREATE ROUTINE LOAD \(name)")
                report.state = try existingJobs(session)[name]?.state
            }
            reports.append(report)
        }
        return reports
    }

    /// Jobs of the target database by name (`SHOW ALL ROUTINE LOAD FROM db`).
    func existingJobs(_ session: TargetSession) throws -> [String: RoutineLoadListing] {
        var jobs: [String: RoutineLoadListing] = [:]
        for job in try session.routineLoadJobs() {
            // A name may appear for a stopped job and a newer active one: keep the active one.
            if jobs[job.name]?.isActive != true { jobs[job.name] = job }
        }
        return jobs
    }

    /// `2026-11-25T13:12:29.204847Z` → milliseconds since the epoch (fraction of any length).
    static func epochMilliseconds(_ iso: String) -> Int64? {
        var base = iso
        var fraction = 0.0
        if let dot = iso.firstIndex(of: "."), let zone = iso[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }) {
            fraction = Double("0" + iso[dot..<zone]) ?? 0
            base = String(iso[..<dot]) + iso[zone...]
        }
        guard let date = ISO8601DateFormatter().date(from: base) else { return nil }
        return Int64(((date.timeIntervalSince1970 + fraction) * 1000).rounded(.down))
    }
}
