// `pg2sr seed`: its options, their validation, and the run.
import ArgumentParser
import Foundation
import Pg2srModel
import Pg2srPipeline
import Pg2srSource
import Pg2srSupport

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Copy the selected tables into StarRocks under one consistent snapshot."
    )

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("Use this exported snapshot instead of exporting one.", valueName: "name"))
    var snapshot: String?
    @Option(help: ArgumentHelp("Create this logical replication slot (pgoutput) and copy under the snapshot it exports: the exact seam for Debezium.", valueName: "name"))
    var slot: String?
    @Option(help: ArgumentHelp("Publication for the slot (created for the selected tables if missing; default pg2sr_<slot>).", valueName: "name"))
    var publication: String?
    @Flag(help: "Set REPLICA IDENTITY FULL on selected tables that need it for lossless CDC (writes to the source schema).")
    var setReplicaIdentityFull = false
    @Option(help: "Parallel workers (each a PostgreSQL session and a Stream Load).")
    var jobs: Int = 4
    @Option(help: ArgumentHelp("Give up waiting for a table lock after this long (default 10s).", valueName: "duration"))
    var lockWaitTimeout: String = "10s"
    @Option(help: ArgumentHelp("Name of the run (labels, run record); default: generated. Re-running an id resumes it.", valueName: "id"))
    var runId: String?
    @Flag(help: "Finish an interrupted or failed run (needs --run-id).")
    var resume = false
    @Flag(help: "Create the database and missing tables from the source's columns.")
    var createTables = false
    @Option(help: "replication_num of created tables (default: min(3, alive BEs)).")
    var replicationNum: Int?
    @Option(help: "BUCKETS of created tables (default: StarRocks decides).")
    var buckets: Int?
    @Option(name: .customLong("property"), help: ArgumentHelp("Extra table property for created tables: key=value (repeatable).", valueName: "key=value"))
    var properties: [String] = []
    @Option(help: ArgumentHelp("Overall read/load rate limit shared by all workers, e.g. 50MB/s.", valueName: "rate"))
    var maxRate: String?
    @Option(help: ArgumentHelp("Pause between chunks of each worker, e.g. 100ms.", valueName: "duration"))
    var sleep: String?
    @Option(help: "Stream Load timeout in seconds (StarRocks aborts a load running longer).")
    var loadTimeout: Int = 3600
    @Option(help: "Retries of a chunk after a transient failure.")
    var retries: Int = 5
    @Option(help: ArgumentHelp("Longest wait between retries.", valueName: "duration"))
    var retryMaxWait: String = "30s"
    @Option(help: "Run record table in the target database.")
    var runRecordTable: String = "pg2sr_runs"
    @Option(help: "Progress display: auto (live on a terminal), plain, json (one object per line on stdout), none.")
    var progress: ProgressMode = .auto
    @Option(help: ArgumentHelp("Seconds between plain/json progress lines.", valueName: "seconds"))
    var progressInterval: Double = 10
    @Option(help: ArgumentHelp("Serve Prometheus metrics (rows, bytes, chunks per table) on this address while loading.", valueName: "host:port"))
    var metricsAddr: String?
    @Option(help: "Print the run record at the end: text (summary only) or json (on stdout).")
    var output: OutputFormat = .text

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            _ = try sourceOptions.resolve(log: log)
            let target = try targetOptions.resolve(log: log)
            var options = SeedOptions()
            options.plan = try selection.planOptions()
            options.snapshotName = snapshot
            if let slot {
                if snapshot != nil { throw Pg2srError.usage("--slot and --snapshot exclude each other (the slot exports the snapshot)") }
                var cdc = CDCHandoffOptions(slot: slot, publication: publication)
                cdc.setReplicaIdentityFull = setReplicaIdentityFull
                options.cdc = cdc
            } else if publication != nil || setReplicaIdentityFull {
                throw Pg2srError.usage("--publication and --set-replica-identity-full go with --slot")
            }
            guard jobs >= 1 else { throw Pg2srError.usage("--jobs must be at least 1") }
            options.jobs = jobs
            options.lockWaitTimeoutMilliseconds = Int(try Quantity.seconds(lockWaitTimeout, option: "--lock-wait-timeout") * 1000)
            options.runID = runId
            options.resume = resume
            if resume && runId == nil { throw Pg2srError.usage("--resume needs --run-id") }
            options.createTables = createTables
            options.ddl.replicationNumber = replicationNum
            options.ddl.buckets = buckets
            options.ddl.properties = try properties.map { try KeyValueArgument.split($0, option: "--property") }
            if let maxRate {
                let rate = try Quantity.bytes(maxRate, option: "--max-rate")
                guard rate > 0 else { throw Pg2srError.usage("--max-rate must be positive") }
                options.maxRateBytesPerSecond = Double(rate)
            }
            if let sleep { options.sleepBetweenChunks = try Quantity.seconds(sleep, option: "--sleep") }
            options.loadTimeoutSeconds = loadTimeout
            options.retry.maxRetries = retries
            options.retry.maxDelay = try Quantity.seconds(retryMaxWait, option: "--retry-max-wait")
            options.runRecordTable = runRecordTable
            options.progress = progress
            options.progressIntervalSeconds = progressInterval
            options.metricsAddress = metricsAddr

            let cancellation = CancellationFlag()
            let trap = SignalTrap(cancellation: cancellation, log: log)
            defer { withExtendedLifetime(trap) {} }
            options.resumeArguments = Self.resumeArguments(CommandLine.arguments)
            let seed = SeedRun(source: try sourceOptions.resolve(log: log), target: target, options: options, log: log, cancellation: cancellation)
            let record = try seed.run()
            if output == .json { try printJSON(record) }
        }
    }

    /// This command's arguments without `--resume` and `--run-id` (the run adds its own), shell-quoted.
    static func resumeArguments(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--resume" || argument.hasPrefix("--run-id=") { continue }
            if argument == "--run-id" { index += 1; continue }
            kept.append(argument)
        }
        return kept.map { argument in
            let safe = argument.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:=,@%+".unicodeScalars.contains($0) }
            return safe && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
