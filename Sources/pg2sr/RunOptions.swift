// `--target`, `--run-id`, `--run-record-table`: the run a follow-up command works on.
import ArgumentParser
import Pg2srModel
import Pg2srSupport
import Pg2srTarget

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
