// `pg2sr status`: a run's record, its jobs' states and their lag.
import ArgumentParser
import Foundation
import Pg2srCDC
import Pg2srSupport

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
                                                  kafkaProperties: try kafkaOptions.properties(log: log), log: log)
            if output == .json {
                try printJSON(report)
                try report.failIfUnhealthy()
                return
            }
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
            try report.failIfUnhealthy()
        }
    }
}
