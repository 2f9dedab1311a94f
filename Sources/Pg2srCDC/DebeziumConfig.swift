// The Debezium PostgreSQL connector configuration of a run, as JSON or .properties.
import Foundation
import Pg2srModel

/// The Debezium PostgreSQL connector configuration for a run: its slot and publication,
/// `snapshot.mode=no_data` (the seed is the snapshot), and value encodings chosen so that the
/// Routine Load column expressions give the same values as the snapshot's COPY.
public struct DebeziumConfig: Sendable {
    public var name: String
    public var host: String
    public var port: String
    public var user: String
    public var database: String
    /// What goes into `database.password`: a masked placeholder, a `${file:...}` reference, or
    /// (only when registering) the password itself.
    public var password: String
    public var slot: String
    public var publication: String
    public var tables: [TableName]
    public var topicPrefix: String
    public var envelope: DebeziumEnvelope

    public init(name: String, host: String, port: String, user: String, database: String, password: String,
                slot: String, publication: String, tables: [TableName], topicPrefix: String, envelope: DebeziumEnvelope) {
        self.name = name
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.slot = slot
        self.publication = publication
        self.tables = tables
        self.topicPrefix = topicPrefix
        self.envelope = envelope
    }

    /// Key/value pairs in a stable order.
    public var properties: [(String, String)] {
        var entries: [(String, String)] = [
            ("connector.class", "io.debezium.connector.postgresql.PostgresConnector"),
            ("tasks.max", "1"),
            ("database.hostname", host),
            ("database.port", port),
            ("database.user", user),
            ("database.password", password),
            ("database.dbname", database),
            ("plugin.name", "pgoutput"),
            ("slot.name", slot),
            ("publication.name", publication),
            ("publication.autocreate.mode", "disabled"),
            // The seed is the snapshot; `never` is rejected since Debezium 3.3.
            ("snapshot.mode", "no_data"),
            ("table.include.list", tables.map { Self.regexEscaped($0.qualifiedPlain) }.joined(separator: ",")),
            ("topic.prefix", topicPrefix),
            // Encodings the Routine Load expressions of the shared mapping expect.
            ("decimal.handling.mode", "string"),
            ("time.precision.mode", "isostring"),
            ("binary.handling.mode", "hex"),
            ("interval.handling.mode", "string"),
            ("hstore.handling.mode", "json"),
            ("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ("key.converter.schemas.enable", "false"),
            ("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ("value.converter.schemas.enable", "false"),
        ]
        switch envelope {
        case .flat:
            entries += [
                ("transforms", "unwrap"),
                ("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState"),
                // The 3.x name; the old delete.handling.mode/drop.tombstones are silently ignored.
                ("transforms.unwrap.delete.tombstone.handling.mode", "rewrite"),
            ]
        case .raw:
            entries.append(("tombstones.on.delete", "false"))
        }
        return entries
    }

    /// `{"name": ..., "config": {...}}` for `POST /connectors`.
    public func restJSON(pretty: Bool = true) throws -> Data {
        let config = Dictionary(properties, uniquingKeysWith: { _, last in last })
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return try JSONSerialization.data(withJSONObject: ["name": name, "config": config], options: options)
    }

    /// `.properties` text for a standalone worker.
    public var propertiesText: String {
        (["name=\(name)"] + properties.map { "\($0.0)=\(Self.propertiesEscaped($0.1))" }).joined(separator: "\n") + "\n"
    }

    /// The Kafka topic of a table: `<prefix>.<schema>.<table>`.
    public static func topic(prefix: String, table: TableName) -> String {
        "\(prefix).\(table.schema).\(table.name)"
    }

    static func regexEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    static func propertiesEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
