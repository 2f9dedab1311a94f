// The options of `pg2sr routine-load`.

public struct RoutineLoadOptions: Sendable {
    public var brokers: String
    public var topicPrefix = "pg2sr"
    public var envelope = DebeziumEnvelope.flat
    public var skewMarginSeconds: Double = 60
    public var dryRun = false
    /// Create jobs for Duplicate Key tables too (their updates/deletes cannot converge).
    public var includeDuplicateKeyTables = false
    /// Leave columns Debezium cannot carry out of their tables' jobs (partial updates), so they
    /// keep the snapshot's values, instead of refusing the run.
    public var keepUnstreamed = false
    /// librdkafka properties for both pg2sr's lookups and the jobs (`property.*`).
    public var kafkaProperties: [String: String] = [:]
    public init(brokers: String) { self.brokers = brokers }
}
