// `--topic-prefix`, `--kafka-property`: how to reach the Debezium topics.
import ArgumentParser
import Pg2srSupport

/// How to reach the Debezium topics.
struct KafkaOptions: ParsableArguments {
    @Option(help: "Topic prefix of the Debezium connector (topics are <prefix>.<schema>.<table>).")
    var topicPrefix: String = "pg2sr"
    @Option(name: .customLong("kafka-property"), help: ArgumentHelp("librdkafka property for pg2sr's lookups and the jobs, key=value (repeatable).", valueName: "key=value"))
    var kafkaProperties: [String] = []

    /// The properties; secret-looking values are registered with the logger so they are masked.
    func properties(log: Logger) throws -> [String: String] {
        var properties: [String: String] = [:]
        for entry in kafkaProperties {
            let (key, value) = try KeyValueArgument.split(entry, option: "--kafka-property")
            properties[key] = value
            if SecretRedactor.isSecretKey(key) { log.addSecret(value) }
        }
        return properties
    }
}
