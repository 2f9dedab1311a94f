// Builds a run's Debezium config from its run record and the source connection.
import Pg2srModel
import Pg2srSource
import Pg2srSupport

/// Builds a run's Debezium config from its run record and the source connection.
public enum DebeziumConfigBuilder {
    public enum PasswordMode: Sendable {
        /// Printed configs: the password is masked.
        case masked
        /// `${file:PATH:KEY}` for Kafka Connect's FileConfigProvider.
        case fileReference(path: String, key: String)
        /// Only for registering over REST: the password libpq used.
        case real
    }

    public static func build(record: RunRecord, source: SourceConnector, name: String?, topicPrefix: String,
                             envelope: DebeziumEnvelope, password mode: PasswordMode) throws -> DebeziumConfig {
        guard let slot = record.snapshot?.slotName, let publication = record.publication else {
            throw Pg2srError.usage("run \(record.runID) was not seeded with --slot: it has no replication slot for Debezium (seed with --slot NAME)")
        }
        guard let plan = record.plan else { throw Pg2srError.usage("run \(record.runID) has no plan in its run record") }
        let endpoint = try source.endpoint(role: "debezium-config")
        let password: String
        switch mode {
        case .masked: password = SecretRedactor.mask
        case .fileReference(let path, let key): password = "${file:\(path):\(key)}"
        case .real: password = endpoint.password ?? ""
        }
        return DebeziumConfig(name: name ?? "pg2sr-\(record.runID)", host: endpoint.host, port: endpoint.port,
                              user: endpoint.user, database: endpoint.database, password: password, slot: slot,
                              publication: publication, tables: plan.tables.map(\.source), topicPrefix: topicPrefix, envelope: envelope)
    }
}
