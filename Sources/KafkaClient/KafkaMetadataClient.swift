// librdkafka for metadata only: topics, partitions, watermarks and offsets for a timestamp.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka

/// Read-only questions to a Kafka cluster: topics, partitions, watermarks and offsets by time.
/// One librdkafka consumer handle that never subscribes, so it never joins its group.
/// Blocking: call it from a dedicated thread, never from Swift's cooperative pool. One thread at
/// a time. librdkafka's own log goes nowhere (it is collected for error messages, not printed).
public final class KafkaMetadataClient: @unchecked Sendable {
    /// The bootstrap list, as given.
    public let brokers: String
    /// The limit for each call, and for the connection check in `init`.
    public let timeoutMilliseconds: Int
    private let handle: OpaquePointer
    private let diagnostics: Diagnostics

    /// Connects (checks within `timeoutMilliseconds` that a broker answers) or throws
    /// `.brokersUnreachable`. brokers: "host:port[,host:port]". config: extra librdkafka
    /// properties (security.protocol, sasl.*, ssl.ca.location, group.id, ...); `brokers` wins over
    /// a `bootstrap.servers` there. Every message passes through `redact`, the caller's secret
    /// masking; a property whose value `redact` masks is treated as a secret (its value is never
    /// quoted, not even in a complaint about it).
    public init(brokers: String, config: [String: String] = [:], timeoutMilliseconds: Int = 10_000,
                redact: @escaping @Sendable (String) -> String) throws {
        guard brokers.contains(where: { !$0.isWhitespace && $0 != "," }) else {
            throw KafkaError(kind: .other, message: "Kafka: no brokers given")
        }
        let diagnostics = Diagnostics(redact: redact)
        let timeout = Int32(clamping: max(timeoutMilliseconds, 1))
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(kind: .other, message: "out of memory creating a librdkafka configuration") }
        var properties: [(String, String)] = [
            // librdkafka 2.0.2 needs a group.id on a consumer to query offsets; it is never joined.
            ("group.id", "pg2sr-metadata"),
            ("client.id", "pg2sr"),
            ("enable.auto.commit", "false"),
            // A metadata request for a missing topic must not create it.
            ("allow.auto.create.topics", "false"),
            // Reconnect to a restarted broker within a second, not librdkafka's 10 s maximum backoff.
            ("reconnect.backoff.ms", "100"),
            ("reconnect.backoff.max.ms", "1000"),
        ]
        properties += config.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        properties.append(("bootstrap.servers", brokers))
        for (key, value) in properties {
            var errstr = [CChar](repeating: 0, count: 512)
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = redact(value) != value ? "invalid value for configuration property \"\(key)\"" : cString(errstr)
                throw KafkaError(kind: .other, message: "Kafka configuration: \(diagnostics.scrubbed(reason))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(diagnostics).toOpaque())
        // Called from librdkafka's threads: only record, call nothing of librdkafka but the opaque getter.
        rd_kafka_conf_set_log_cb(conf) { rk, level, _, message in
            guard let rk, let opaque = rd_kafka_opaque(rk), let message else { return }
            if level <= 4 { // LOG_WARNING and worse
                Unmanaged<Diagnostics>.fromOpaque(opaque).takeUnretainedValue().record(log: String(cString: message))
            }
        }
        // Served by rd_kafka_poll on the calling thread.
        rd_kafka_conf_set_error_cb(conf) { _, code, reason, opaque in
            guard let opaque else { return }
            Unmanaged<Diagnostics>.fromOpaque(opaque).takeUnretainedValue()
                .record(error: code, reason: reason.map { String(cString: $0) } ?? "")
        }

        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf) // only taken over on success
            throw KafkaError(kind: .other, message: "Kafka client: \(diagnostics.scrubbed(cString(errstr)))")
        }

        // Connection check: a metadata request for no topic at all (brokers only).
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let code = rd_kafka_metadata(handle, 0, nil, &metadata, timeout)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            _ = rd_kafka_poll(handle, 0)
            let error = Self.connectError(code, brokers: brokers, timeout: timeout, diagnostics: diagnostics)
            Self.destroy(handle)
            throw error
        }
        self.brokers = brokers
        self.timeoutMilliseconds = Int(timeout)
        self.handle = handle
        self.diagnostics = diagnostics
    }

    deinit { Self.destroy(handle) }

    /// All topic names of the cluster, sorted (internal ones such as `__consumer_offsets` included).
    public func topics() throws -> [String] {
        try withMetadata(topic: nil) { metadata in
            (0..<Int(metadata.topic_cnt)).compactMap { index in
                let topic = metadata.topics[index]
                return topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? String(cString: topic.topic) : nil
            }.sorted()
        }
    }

    /// The partition ids of `topic`, sorted; `.topicNotFound` when it does not exist.
    public func partitions(of topic: String) throws -> [Int32] {
        try withMetadata(topic: topic) { metadata in
            guard let entry = (0..<Int(metadata.topic_cnt)).lazy.map({ metadata.topics[$0] })
                .first(where: { String(cString: $0.topic) == topic }) else {
                throw KafkaError(kind: .topicNotFound, message: "Kafka topic \"\(topic)\" not found at \(brokers)")
            }
            switch entry.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                break
            case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
                throw KafkaError(kind: .topicNotFound, message: "Kafka topic \"\(topic)\" not found at \(brokers)")
            default:
                throw KafkaError(kind: .other, message: "Kafka topic \"\(topic)\": \(Self.describe(entry.err))")
            }
            return (0..<Int(entry.partition_cnt)).map { entry.partitions[$0].id }.sorted()
        }
    }

    /// The low (first kept) and high (next to be written) offsets of one partition.
    public func watermarks(topic: String, partition: Int32) throws -> (low: Int64, high: Int64) {
        try watermarks(topic: topic, partitions: [partition])[partition]!
    }

    /// The low and high offsets of several partitions, two requests in all.
    ///
    /// Asked as offsets for the times -2 (earliest) and -1 (latest), not with
    /// `rd_kafka_query_watermark_offsets`: in librdkafka before 2.3.0 that call ignores its timeout
    /// and blocks until the partition's leader is back (librdkafka#2588, measured here with 2.0.2:
    /// stopped broker, call still blocked after 8 minutes). The high offset is what a consumer
    /// with this client's `isolation.level` would read up to (librdkafka default read_committed:
    /// the last stable offset, the high watermark when no transaction is open).
    public func watermarks(topic: String, partitions: [Int32]) throws -> [Int32: (low: Int64, high: Int64)] {
        let lows = try listOffsets(topic: topic, partitions: partitions, at: -2, "low watermarks") // RD_KAFKA_OFFSET_BEGINNING
        let highs = try listOffsets(topic: topic, partitions: partitions, at: -1, "high watermarks") // RD_KAFKA_OFFSET_END
        var result: [Int32: (low: Int64, high: Int64)] = [:]
        for (partition, low) in lows {
            guard let low, let high = highs[partition] ?? nil else {
                throw KafkaError(kind: .other, message: "Kafka watermarks of \(topic)[\(partition)]: no offset in the answer")
            }
            result[partition] = (low, high)
        }
        return result
    }

    /// For each partition: the earliest offset whose timestamp is >= `timestampMilliseconds`
    /// (Unix epoch ms), or nil when the partition holds no such message yet (also when it is empty).
    public func offsets(forTimestamp timestampMilliseconds: Int64, topic: String, partitions: [Int32]) throws -> [Int32: Int64?] {
        // Negative timestamps are ListOffsets' special values (-1 latest, -2 earliest), not times.
        guard timestampMilliseconds >= 0 else {
            throw KafkaError(kind: .other, message: "Kafka offsets for a time: timestamp \(timestampMilliseconds) is negative")
        }
        return try listOffsets(topic: topic, partitions: partitions, at: timestampMilliseconds,
                               "offsets for time \(timestampMilliseconds)")
    }

    /// Where to start consuming every partition of `topic` so that no message with a timestamp
    /// >= `timestampMilliseconds` is missed: the offset for the time, else the high watermark.
    /// The high watermarks are read first: a message written between the two questions is then
    /// at or after the watermark, so it is not skipped.
    public func startOffsets(forTimestamp timestampMilliseconds: Int64, topic: String) throws -> [Int32: Int64] {
        let partitions = try partitions(of: topic)
        let highs = try listOffsets(topic: topic, partitions: partitions, at: -1, "high watermarks") // RD_KAFKA_OFFSET_END
        let found = try offsets(forTimestamp: timestampMilliseconds, topic: topic, partitions: partitions)
        var result: [Int32: Int64] = [:]
        for partition in partitions {
            guard let offset = (found[partition] ?? nil) ?? (highs[partition] ?? nil) else {
                throw KafkaError(kind: .other, message: "Kafka high watermark of \(topic)[\(partition)]: no offset in the answer")
            }
            result[partition] = offset
        }
        return result
    }

    // MARK: - Internals

    /// One ListOffsets round (`rd_kafka_offsets_for_times`, which keeps to its timeout): for each
    /// partition the offset for `time` (ms, or -1 latest / -2 earliest), nil where there is none.
    private func listOffsets(topic: String, partitions: [Int32], at time: Int64, _ what: String) throws -> [Int32: Int64?] {
        let unique = Array(Set(partitions)).sorted() // librdkafka does not support duplicates
        guard !unique.isEmpty else { return [:] }
        guard let list = rd_kafka_topic_partition_list_new(Int32(clamping: unique.count)) else {
            throw KafkaError(kind: .other, message: "out of memory")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in unique {
            rd_kafka_topic_partition_list_add(list, topic, partition).pointee.offset = time
        }
        let code = rd_kafka_offsets_for_times(handle, list, Int32(timeoutMilliseconds))
        try check(code, "\(what) of \(topic)[\(unique.map(String.init).joined(separator: ","))]", topic: topic)
        var result: [Int32: Int64?] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            if element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                try check(element.err, "\(what) of \(topic)[\(element.partition)]", topic: topic)
            }
            result[element.partition] = element.offset >= 0 ? element.offset : nil // -1: no message at/after the time
        }
        return result
    }

    private func withMetadata<R>(topic: String?, _ body: (rd_kafka_metadata_t) throws -> R) throws -> R {
        var topicHandle: OpaquePointer?
        if let topic {
            guard let created = rd_kafka_topic_new(handle, topic, nil) else {
                throw KafkaError(kind: .other, message: "Kafka topic \"\(topic)\": \(Self.describe(rd_kafka_last_error()))")
            }
            topicHandle = created
        }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let code = rd_kafka_metadata(handle, topic == nil ? 1 : 0, topicHandle, &metadata, Int32(timeoutMilliseconds))
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        try check(code, topic.map { "metadata of \($0)" } ?? "metadata", topic: topic)
        guard let metadata else { throw KafkaError(kind: .other, message: "Kafka metadata: empty answer") }
        return try body(metadata.pointee)
    }

    /// Throws the error for `code`, if any; serves queued error callbacks first.
    private func check(_ code: rd_kafka_resp_err_t, _ what: String, topic: String?) throws {
        _ = rd_kafka_poll(handle, 0)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else {
            diagnostics.reset()
            return
        }
        switch code {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            throw KafkaError(kind: .topicNotFound, message: "Kafka \(what): \(topic.map { "topic \"\($0)\" or partition not found at \(brokers)" } ?? Self.describe(code))")
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE:
            if diagnostics.allBrokersDown || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN {
                throw KafkaError(kind: .brokersUnreachable, message: "Kafka brokers \(brokers) unreachable (\(what))\(diagnostics.lastReason())")
            }
            throw KafkaError(kind: .timedOut, message: "Kafka \(what): no answer from \(brokers) within \(timeoutMilliseconds) ms\(diagnostics.lastReason())")
        default:
            throw KafkaError(kind: .other, message: "Kafka \(what): \(Self.describe(code))\(diagnostics.lastReason())")
        }
    }

    private static func connectError(_ code: rd_kafka_resp_err_t, brokers: String, timeout: Int32, diagnostics: Diagnostics) -> KafkaError {
        if diagnostics.lastCode == RD_KAFKA_RESP_ERR__AUTHENTICATION.rawValue {
            return KafkaError(kind: .other, message: "Kafka brokers \(brokers): authentication failed\(diagnostics.lastReason())")
        }
        let reason = diagnostics.lastReason()
        return KafkaError(kind: .brokersUnreachable, message: "Kafka brokers \(brokers) unreachable within \(timeout) ms"
            + (reason.isEmpty ? ": \(describe(code))" : reason))
    }

    private static func destroy(_ handle: OpaquePointer) {
        // The group was never joined: skip consumer_close's group leave/commit.
        rd_kafka_destroy_flags(handle, 0x8) // RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE
    }

    static func describe(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }

}

/// A NUL-terminated error buffer filled by librdkafka.
private func cString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
