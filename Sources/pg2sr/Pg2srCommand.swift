// The `pg2sr` command: its subcommands, exit codes, and the one-line error report.
import ArgumentParser
import Foundation
import Pg2srSupport

@main
struct Pg2srCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pg2sr",
        abstract: "Seed StarRocks from PostgreSQL under one consistent snapshot, then hand over to CDC.",
        discussion: """
        Exit codes: 0 success, 64 usage, 65 data rejected or verification mismatch, 66 source (PostgreSQL) error,
        69 target (StarRocks) error, 70 Kafka / Kafka Connect error, 130 / 143 interrupted (SIGINT / SIGTERM).
        """,
        subcommands: [SeedCommand.self, PlanCommand.self, DDLCommand.self, DebeziumConfigCommand.self,
                      RoutineLoadCommand.self, StatusCommand.self, CleanupCommand.self, VerifyCommand.self]
    )
}

/// Runs a command body, turning pg2sr's errors into one line on stderr and the documented exit code.
func runReportingErrors(log: Logger, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as Pg2srError {
        log.error(error.description)
        throw ExitCode(error.exitCode)
    }
}
