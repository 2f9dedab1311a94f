import ArgumentParser
import Foundation
import Pg2srCore

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

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            var options = try selection.planOptions()
            options.capabilities.maxDecimalPrecision = maxDecimalPrecision
            let plan = try PlanPreview.plan(source: sourceOptions.connector, options: options, snapshotName: nil, log: log)
            var ddl = TableDDLOptions()
            ddl.replicationNumber = replicationNum
            ddl.buckets = buckets
            ddl.properties = try properties.map { entry in
                guard let equals = entry.firstIndex(of: "=") else { throw Pg2srError.usage("--property '\(entry)' is not key=value") }
                return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
            }
            let text = plan.tables.map { StarRocksDDL.createTable(database: database, plan: $0, options: ddl) }.joined(separator: "\n\n")
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}
