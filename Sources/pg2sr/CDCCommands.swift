import ArgumentParser
import Foundation
import Pg2srCore

/// The run a follow-up command works on: the target holding its run record, and its id.
struct RunOptions: ParsableArguments {
    @OptionGroup var targetOptions: TargetOptions
    @Option(help: "The run (see the run record table).")
    var runId: String
    @Option(help: "Run record table.")
    var runRecordTable: String = "pg2sr_runs"

    func load(log: Logger) throws -> (StarRocksTarget, RunRecord) {
        let target = try targetOptions.resolve(log: log)
        return (target, try RunRecords.read(target: target, runID: runId, table: runRecordTable))
    }
}

/// How to reach the Debezium topics.
struct KafkaOptions: ParsableArguments {
    @Option(help: "Topic prefix of the Debezium connector (topics are <prefix>.<schema>.<table>).")
    var topicPrefix: String = "pg2sr"
    @Option(name: .customLong("kafka-property"), help: ArgumentHelp("librdkafka property for pg2sr's lookups and the jobs, key=value (repeatable).", valueName: "key=value"))
    var kafkaProperties: [String] = []

    /// The properties; secret-looking values are registered with the logger so they are masked.
    func properties(log: Logger) throws -> [String: String] {
        var properties: [String: String] = [:]
        for entry in kafkaProperties {
            guard let equals = entry.firstIndex(of: "=") else { throw Pg2srError.usage("--kafka-property '\(entry)' is not key=value") }
            let key = String(entry[..<equals])
            properties[key] = String(entry[entry.index(after: equals)...])
            if key.contains("password") || key.contains("secret") { log.addSecret(properties[key]!) }
        }
        return properties
    }
}

struct RoutineLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routine-load",
        abstract: "Create the run's Routine Load jobs on the Debezium topics, from Kafka offsets resolved from the run's start time."
    )

    @OptionGroup var runOptions: RunOptions
    @Option(help: ArgumentHelp("Kafka bootstrap servers host:port[,host:port].", valueName: "brokers"))
    var kafka: String
    @OptionGroup var kafkaOptions: KafkaOptions
    @Option(help: "flat (ExtractNewRecordState with rewritten deletes) or raw (full envelope).")
    var envelope: DebeziumEnvelope = .flat
    @Option(help: ArgumentHelp("Start this long before the recorded start time (Kafka timestamps are produce times; clocks skew).", valueName: "duration"))
    var skewMargin: String = "60s"
    @Flag(help: "Print the statements and resolved offsets; create nothing.")
    var dryRun = false
    @Flag(help: "Create jobs for DUPLICATE KEY tables too (their updates and deletes cannot converge).")
    var includeDuplicateKeyTables = false
    @Option(help: "text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            var options = RoutineLoadOptions(brokers: kafka)
            options.topicPrefix = kafkaOptions.topicPrefix
            options.envelope = envelope
            options.skewMarginSeconds = try Quantity.seconds(skewMargin, option: "--skew-margin")
            options.dryRun = dryRun
            options.includeDuplicateKeyTables = includeDuplicateKeyTables
            options.kafkaProperties = try kafkaOptions.properties(log: log)
            let (target, record) = try runOptions.load(log: log)
            let reports = try RoutineLoadSetup(target: target, options: options, log: log).run(record: record)
            if output == .json { return try printJSON(reports) }
            for report in reports {
                if let statement = report.statement { FileHandle.standardOutput.write(Data((statement + "\n\n").utf8)) }
                let offsets = report.offsets.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
                let text = "\(report.table) -> job \(report.job) on \(report.topic): \(report.action)\(report.state.map { ", \($0)" } ?? "")\(offsets.isEmpty ? "" : ", offsets \(offsets)")\(report.note.map { " (\($0))" } ?? "")\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run's record, its Routine Load jobs' states and their lag."
    )

    @OptionGroup var runOptions: RunOptions
    @Option(help: ArgumentHelp("Kafka bootstrap servers, to compute the lag.", valueName: "brokers"))
    var kafka: String?
    @OptionGroup var kafkaOptions: KafkaOptions
    @Option(help: "text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            let (target, record) = try runOptions.load(log: log)
            let report = try RunStatusReader.read(target: target, record: record, brokers: kafka, topicPrefix: kafkaOptions.topicPrefix,
                                                  kafkaProperties: try kafkaOptions.properties(log: log))
            if output == .json { return try printJSON(report) }
            var text = "run \(record.runID): \(record.status), \(record.totalRows) rows, started \(record.startedAt)"
            text += ", snapshot LSN \(record.snapshot?.walLSN ?? "-") at \(record.snapshot?.serverTime ?? "-")"
            if let slot = record.snapshot?.slotName { text += ", slot \(slot)" }
            text += "\n"
            for table in record.tables {
                text += "  \(table.table) -> \(table.target): \(table.rows) rows, chunks \(table.chunksDone)/\(table.chunksTotal)\n"
            }
            for job in report.jobs {
                text += "  job \(job.job) (\(job.table)): \(job.state)\(job.lag.map { ", lag \($0)" } ?? "")\(job.reason.map { ", \($0)" } ?? "")\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Drop the replication slot (and the publication, if pg2sr created it) of a run; optionally stop its Routine Load jobs."
    )

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var runOptions: RunOptions
    @Flag(help: "Also STOP the run's Routine Load jobs.")
    var stopJobs = false

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            let (target, record) = try runOptions.load(log: log)
            try RunCleanup.run(source: sourceOptions.connector, target: target, record: record, stopJobs: stopJobs, log: log)
        }
    }
}
