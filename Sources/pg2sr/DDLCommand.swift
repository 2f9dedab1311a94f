// `pg2sr ddl`: the StarRocks CREATE TABLE statements for the selected tables.
import ArgumentParser
import Foundation
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

struct DDLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddl",
        abstract: "Print StarRocks CREATE TABLE statements for the selected tables."
    )

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var selection: SelectionOptions
    @Option(help: "Target database name used in the statements.")
    var database: String = "pg2sr"
    @Option(help: "replication_num of the tables (default: the cluster's).")
    var replicationNum: Int?
    @Option(help: "BUCKETS of the tables.")
    var buckets: Int?
    @Option(name: .customLong("property"), help: ArgumentHelp("Extra table property key=value (repeatable).", valueName: "key=value"))
    var properties: [String] = []
    @Option(help: "Largest DECIMAL precision of the target (38; 76 on StarRocks 4.0+).")
    var maxDecimalPrecision: Int = 38
    @Option(help: "Largest VARCHAR length in bytes of the target (1048576 in 2.1–4.1; 65533 before).")
    var maxVarcharBytes: Int = 1_048_576

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            guard (1...76).contains(maxDecimalPrecision) else { throw Pg2srError.usage("--max-decimal-precision must be 1..76") }
            guard maxVarcharBytes >= 1 else { throw Pg2srError.usage("--max-varchar-bytes must be positive") }
            var options = try selection.planOptions()
            options.capabilities.maxDecimalPrecision = maxDecimalPrecision
            options.capabilities.maxVarcharBytes = maxVarcharBytes
            let plan = try PlanPreview.plan(source: try sourceOptions.resolve(log: log), options: options, snapshotName: nil, log: log)
            var ddl = TableDDLOptions()
            ddl.replicationNumber = replicationNum
            ddl.buckets = buckets
            ddl.properties = try properties.map { try KeyValueArgument.split($0, option: "--property") }
            let text = plan.tables.map { StarRocksDDL.createTable(database: database, plan: $0, options: ddl) }.joined(separator: "\n\n")
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}
