// `pg2sr verify`: its options, the run, and the summary it prints.
import ArgumentParser
import Foundation
import Pg2srSupport
import Pg2srVerify

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare source and target tables: row counts and content checksums per key range, narrowed down to rows.",
        discussion: """
        Reads the source in a fresh snapshot and the target as it is now, renders every value the way the \
        mapping stores it, and compares per chunk (a range of the first key column): row count and a sum \
        of row digests. Differing chunks are narrowed down to rows missing in the target, extra rows and \
        changed columns. On a live target (CDC running) use --recheck so that changes still in flight \
        drop out. Exit code 65 when a table differs.
        """
    )

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var selection: SelectionOptions
    @Option(help: ArgumentHelp("Verify the tables of this seed run (mappings from its run record) instead of a selection.", valueName: "id"))
    var runId: String?
    @Option(help: "Run record table.")
    var runRecordTable: String = "pg2sr_runs"
    @Option(help: "Parallel readers (each a PostgreSQL and a StarRocks session).")
    var jobs: Int = 4
    @Option(help: "Rows per chunk (key range).")
    var chunkRows: Int = 100_000
    @Option(help: "Differing chunks per table narrowed down to rows.")
    var detailChunks: Int = 8
    @Option(help: "Differing rows listed per table.")
    var maxDifferences: Int = 20
    @Option(help: "Read differing chunks again this many times, each in a fresh snapshot, before reporting them (live targets).")
    var recheck: Int = 0
    @Option(help: ArgumentHelp("Wait between rechecks, e.g. 10s.", valueName: "duration"))
    var recheckDelay: String = "5s"
    @Option(help: ArgumentHelp("Give up waiting for a table lock after this long.", valueName: "duration"))
    var lockWaitTimeout: String = "10s"
    @Option(help: "text (summary on stderr) or json (report on stdout).")
    var output: OutputFormat = .text

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            let source = try sourceOptions.resolve(log: log)
            let target = try targetOptions.resolve(log: log)
            var options = VerifyOptions()
            options.runID = runId
            options.plan = try selection.planOptions()
            let selects = !(selection.tables.isEmpty && selection.include.isEmpty && selection.exclude.isEmpty && selection.tablesFrom == nil
                && !selection.followFkeys)
            let maps = !(selection.rowFilters.isEmpty && selection.targetNames.isEmpty && selection.casts.isEmpty && selection.keys.isEmpty
                && !selection.infinityAsNull)
            if runId != nil && (selects || maps) {
                throw Pg2srError.usage("--run-id verifies the run's tables with the run's mappings: leave out the table selection, --where, --target-table, --cast, --key and --infinity-as-null")
            }
            guard jobs >= 1, chunkRows >= 1, recheck >= 0, detailChunks >= 0, maxDifferences >= 0 else {
                throw Pg2srError.usage("--jobs and --chunk-rows must be positive; --recheck, --detail-chunks and --max-differences not negative")
            }
            options.runRecordTable = runRecordTable
            options.jobs = jobs
            options.chunkRows = chunkRows
            options.detailChunks = detailChunks
            options.maxDifferences = maxDifferences
            options.rechecks = recheck
            options.recheckDelaySeconds = try Quantity.seconds(recheckDelay, option: "--recheck-delay")
            options.lockWaitTimeoutMilliseconds = Int(try Quantity.seconds(lockWaitTimeout, option: "--lock-wait-timeout") * 1000)

            let cancellation = CancellationFlag()
            let trap = SignalTrap(cancellation: cancellation, log: log)
            defer { withExtendedLifetime(trap) {} }
            let report = try VerifyRun(source: source, target: target, options: options, log: log, cancellation: cancellation).run()
            if output == .json { try printJSON(report) }
            log.raw(Self.summary(report))
            let differing = report.differingTables
            if !differing.isEmpty {
                throw Pg2srError.dataRejected("verification found differences in \(differing.count) of \(report.tables.count) table(s): "
                    + differing.map { "\($0.source) -> \($0.target)" }.joined(separator: ", "))
            }
        }
    }

    static func summary(_ report: VerifyReport) -> String {
        var text = ""
        for table in report.tables {
            let counts = table.sourceRows == table.targetRows ? "\(table.sourceRows) rows" : "\(table.sourceRows) source rows, \(table.targetRows) target rows"
            text += "pg2sr: \(table.source) -> \(table.target): \(table.status == "equal" ? "equal" : "DIFFERENT"), \(counts), \(table.chunks) chunk(s)"
            text += table.note.map { " (\($0))" } ?? ""
            text += "\n"
            for chunk in table.differingChunks {
                var line = "pg2sr:   chunk \(chunk.index) \(chunk.range): \(chunk.sourceRows) source / \(chunk.targetRows) target rows"
                if let missing = chunk.missingInTarget, let extra = chunk.extraInTarget, let changed = chunk.changed {
                    line += "; \(missing) missing in target, \(extra) extra in target, \(changed) changed"
                }
                text += line + "\n"
                for example in chunk.examples {
                    var entry = "pg2sr:     \(example.kind): \(example.key)"
                    if let columns = example.columns {
                        entry += " (" + columns.map { "\($0.column): \($0.source ?? "NULL") -> \($0.target ?? "NULL")" }.joined(separator: "; ") + ")"
                    }
                    text += entry + "\n"
                }
            }
        }
        let differing = report.differingTables.count
        text += "pg2sr: verify: \(report.tables.count - differing) of \(report.tables.count) table(s) equal"
        text += report.passes > 1 ? " (\(report.passes) passes)\n" : "\n"
        return text
    }
}
