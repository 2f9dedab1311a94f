// `pg2sr plan`: tables, sizes, chunks and COPY statements of a seed, without loading.
import ArgumentParser
import Foundation
import Pg2srSource
import Pg2srSupport

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the tables, sizes, chunks and COPY statements a seed would run, without loading."
    )

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var selection: SelectionOptions
    @Option(help: ArgumentHelp("Plan inside this exported snapshot.", valueName: "name"))
    var snapshot: String?
    @Option(help: "text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            let plan = try PlanPreview.plan(source: sourceOptions.connector, options: try selection.planOptions(), snapshotName: snapshot, log: log)
            if output == .json { return try printJSON(plan) }
            var text = ""
            for table in plan.tables {
                let key = table.keyColumns.isEmpty ? "DUPLICATE KEY" : "PRIMARY KEY (\(table.keyColumns.joined(separator: ", ")))"
                text += "\(table.source) -> \(table.targetTable)  ~\(table.estimatedBytes) bytes, ~\(table.estimatedRows) rows, \(table.chunks.count) chunk(s), \(key)\n"
                for chunk in table.chunks {
                    text += "  chunk \(chunk.index): \(chunk.summary), ~\(chunk.estimatedBytes) bytes\n"
                }
                text += "  COPY: \(table.copyStatement(for: table.chunks[0]))\n"
            }
            text += "\(plan.tables.count) table(s), \(plan.chunkCount) chunk(s)\n"
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
