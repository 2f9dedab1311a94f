// `pg2sr cleanup`: drops what a run created on the source; optionally stops its jobs.
import ArgumentParser
import Pg2srCDC
import Pg2srSupport

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
