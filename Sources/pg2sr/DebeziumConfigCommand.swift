// `pg2sr debezium-config`: a run's Debezium connector config, printed or registered with Kafka Connect.
import ArgumentParser
import Foundation
import Pg2srCDC
import Pg2srSupport

extension DebeziumEnvelope: ExpressibleByArgument {}

struct DebeziumConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debezium-config",
        abstract: "Print (or register) the Debezium PostgreSQL connector config for a run seeded with --slot."
    )

    enum Format: String, ExpressibleByArgument { case json, properties }

    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var runOptions: RunOptions
    @Option(help: "Kafka topic prefix (topics are <prefix>.<schema>.<table>).")
    var topicPrefix: String = "pg2sr"
    @Option(help: "Connector name (default pg2sr-<run id>).")
    var name: String?
    @Option(help: "flat (ExtractNewRecordState, deletes rewritten) or raw (full envelope).")
    var envelope: DebeziumEnvelope = .flat
    @Option(help: "json (Kafka Connect REST body) or properties.")
    var format: Format = .json
    @Option(help: ArgumentHelp("Reference the source password in this file on the Connect worker (FileConfigProvider) instead of masking it.", valueName: "path"))
    var passwordFile: String?
    @Option(help: ArgumentHelp("Register the connector with this Kafka Connect REST URL and wait until it runs.", valueName: "url"))
    var register: String?

    func run() throws {
        let log = Logger()
        try runReportingErrors(log: log) {
            let (_, record) = try runOptions.load(log: log)
            let printed: DebeziumConfigBuilder.PasswordMode = passwordFile.map { .fileReference(path: $0, key: "password") } ?? .masked
            let config = try DebeziumConfigBuilder.build(record: record, source: sourceOptions.connector, name: name,
                                                         topicPrefix: topicPrefix, envelope: envelope, password: printed)
            switch format {
            case .json: FileHandle.standardOutput.write(try config.restJSON() + Data("\n".utf8))
            case .properties: FileHandle.standardOutput.write(Data(config.propertiesText.utf8))
            }
            if let register {
                let real = try DebeziumConfigBuilder.build(record: record, source: sourceOptions.connector, name: name, topicPrefix: topicPrefix,
                                                           envelope: envelope, password: passwordFile == nil ? .real : printed)
                if let password = real.password as String?, passwordFile == nil { log.addSecret(password) }
                let client = KafkaConnectClient(baseURL: register)
                try client.register(real)
                try client.waitRunning(real.name)
                log.info("connector \(real.name) is RUNNING on \(register), streaming slot \(real.slot)")
            }
        }
    }
}
