// `pg2sr routine-load`: the run's Routine Load jobs on the Debezium topics.
import ArgumentParser
import Foundation
import Pg2srCDC
import Pg2srSupport

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
    @Flag(help: "Leave columns Debezium cannot carry (composites, varbit, time[], ...) out of their jobs: partial updates keep the snapshot's values there, instead of refusing the run.")
    var keepUnstreamed = false
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
            options.keepUnstreamed = keepUnstreamed
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
