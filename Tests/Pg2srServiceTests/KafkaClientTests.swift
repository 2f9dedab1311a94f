// The Kafka metadata client against a real broker the suite starts (noida-db Kafka, scripts/kafka).
import Foundation
import KafkaClient
import Pg2srSupport
import Testing

/// Against a real broker: noida-db's Kafka started once for the suite by `scripts/kafka`, with a
/// 3-partition topic whose messages carry explicit timestamps (produced with confluent-kafka):
///
///     partition 0: offsets 0, 1, 2 at base + 0, base + 1000, base + 2000 ms
///     partition 1: offsets 0, 1    at base + 1000, base + 3000 ms
///     partition 2: empty
@Suite(.serialized, .kafkaBroker)
struct KafkaClientTests {
    let broker = KafkaBroker.current!

    func client(timeoutMilliseconds: Int = 10_000) throws -> KafkaMetadataClient {
        try KafkaMetadataClient(brokers: broker.bootstrap, timeoutMilliseconds: timeoutMilliseconds, redact: redaction([:]))
    }

    @Test func topicsAndPartitions() throws {
        let kafka = try client()
        #expect(try kafka.topics().contains(broker.topic))
        #expect(try kafka.partitions(of: broker.topic) == [0, 1, 2])
    }

    @Test func watermarks() throws {
        let kafka = try client()
        let p0 = try kafka.watermarks(topic: broker.topic, partition: 0)
        let p1 = try kafka.watermarks(topic: broker.topic, partition: 1)
        let p2 = try kafka.watermarks(topic: broker.topic, partition: 2)
        #expect(p0.low == 0 && p0.high == 3)
        #expect(p1.low == 0 && p1.high == 2)
        #expect(p2.low == 0 && p2.high == 0)
        let all = try kafka.watermarks(topic: broker.topic, partitions: [2, 0, 1, 0]).mapValues { [$0.low, $0.high] }
        #expect(all == [0: [0, 3], 1: [0, 2], 2: [0, 0]])
    }

    @Test func offsetsForTimestamp() throws {
        let kafka = try client()
        let base = broker.base
        func offsets(_ time: Int64, _ partitions: [Int32] = [0, 1, 2]) throws -> [Int32: Int64?] {
            try kafka.offsets(forTimestamp: time, topic: broker.topic, partitions: partitions)
        }
        // Before every message: the first offset (= low watermark); the empty partition has none.
        #expect(try offsets(base - 60_000) == [0: 0, 1: 0, 2: nil])
        #expect(try offsets(0) == [0: 0, 1: 0, 2: nil])
        // Exactly a message's time: that message (>=, not >).
        #expect(try offsets(base + 1000) == [0: 1, 1: 0, 2: nil])
        // Between messages: the next one.
        #expect(try offsets(base + 1500) == [0: 2, 1: 1, 2: nil])
        #expect(try offsets(base + 2001) == [0: nil, 1: 1, 2: nil])
        // After every message: none anywhere.
        #expect(try offsets(base + 3001) == [0: nil, 1: nil, 2: nil])
        #expect(try offsets(base + 3_600_000) == [0: nil, 1: nil, 2: nil])
        // A subset, duplicates collapse, an empty list asks nothing.
        #expect(try offsets(base + 1500, [1, 1]) == [1: 1])
        #expect(try offsets(base, []) == [:])
    }

    @Test func startOffsetsFallBackToTheHighWatermark() throws {
        let kafka = try client()
        let base = broker.base
        #expect(try kafka.startOffsets(forTimestamp: base - 60_000, topic: broker.topic) == [0: 0, 1: 0, 2: 0])
        #expect(try kafka.startOffsets(forTimestamp: base + 1500, topic: broker.topic) == [0: 2, 1: 1, 2: 0])
        #expect(try kafka.startOffsets(forTimestamp: base + 2001, topic: broker.topic) == [0: 3, 1: 1, 2: 0])
        #expect(try kafka.startOffsets(forTimestamp: base + 3_600_000, topic: broker.topic) == [0: 3, 1: 2, 2: 0])
    }

    @Test func negativeTimestampIsRejected() throws {
        let kafka = try client()
        let error = #expect(throws: KafkaError.self) {
            try kafka.offsets(forTimestamp: -1, topic: broker.topic, partitions: [0])
        }
        #expect(error?.kind == .other)
    }

    @Test func missingTopic() throws {
        let kafka = try client(timeoutMilliseconds: 5_000)
        let missing = "pg2sr.no-such-topic"
        for call in [
            { _ = try kafka.partitions(of: missing) },
            { _ = try kafka.watermarks(topic: missing, partition: 0) },
            { _ = try kafka.offsets(forTimestamp: broker.base, topic: missing, partitions: [0, 1]) },
            { _ = try kafka.startOffsets(forTimestamp: broker.base, topic: missing) },
        ] as [() throws -> Void] {
            let error = #expect(throws: KafkaError.self) { try call() }
            #expect(error?.kind == .topicNotFound, "\(String(describing: error))")
            #expect(error?.message.contains(missing) == true, "\(String(describing: error))")
        }
        // Asking did not create it.
        #expect(try !kafka.topics().contains(missing))
    }

    @Test func missingPartitionOfAnExistingTopic() throws {
        let kafka = try client(timeoutMilliseconds: 5_000)
        let watermarks = #expect(throws: KafkaError.self) { try kafka.watermarks(topic: broker.topic, partition: 7) }
        #expect(watermarks?.kind == .topicNotFound, "\(String(describing: watermarks))")
        #expect(watermarks?.message.contains("\(broker.topic)[7]") == true, "\(String(describing: watermarks))")
        let offsets = #expect(throws: KafkaError.self) {
            try kafka.offsets(forTimestamp: broker.base, topic: broker.topic, partitions: [0, 7])
        }
        #expect(offsets?.kind == .topicNotFound, "\(String(describing: offsets))")
    }

    @Test func unreachableBrokersFailWithinTheTimeout() throws {
        let port = try closedPort()
        let brokers = "127.0.0.1:\(port)"
        let password = "pa55-w0rd-never-shown"
        let started = ContinuousClock.now
        let error = #expect(throws: KafkaError.self) {
            let config = ["security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "PLAIN", "sasl.username": "loader", "sasl.password": password]
            return try KafkaMetadataClient(brokers: brokers, config: config, timeoutMilliseconds: 2_000, redact: redaction(config))
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.kind == .brokersUnreachable, "\(String(describing: error))")
        #expect(error?.message.hasPrefix("Kafka brokers \(brokers) unreachable within 2000 ms: ") == true, "\(String(describing: error))")
        #expect(error?.message.contains("Connection refused") == true, "\(String(describing: error))")
        #expect(error?.message.contains("\n") == false)
        #expect(error?.message.contains(password) == false)
        #expect(elapsed < .milliseconds(3_000), "took \(elapsed)")
    }

    /// librdkafka 2.0.2's own watermark call blocks forever once the leader is gone; every call
    /// here must keep to its timeout, and the client must work again once the broker is back.
    @Test func brokerStoppedAfterConnectingThenRestarted() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("pg2sr-kafka-client-tests-\(ProcessInfo.processInfo.processIdentifier)-second")
        let script = repoRoot.appendingPathComponent("scripts/kafka").path
        defer {
            _ = try? run(script, ["stop", "--dir", dir.path, "--kill"])
            try? FileManager.default.removeItem(at: dir)
        }
        let second = try KafkaBrokerTrait.start(dir: dir)
        let topic = "pg2sr.public.restart_test"
        let created = try run("python3", ["-c", createTopicScript, "127.0.0.1:\(second)", topic])
        try #require(created.status == 0, "\(created.output)")

        let kafka = try KafkaMetadataClient(brokers: "127.0.0.1:\(second)", timeoutMilliseconds: 2_000, redact: redaction([:]))
        #expect(try kafka.partitions(of: topic) == [0])
        let stopped = try run(script, ["stop", "--dir", dir.path])
        try #require(stopped.status == 0, "\(stopped.output)")

        let calls: [(String, () throws -> Void)] = [
            ("topics", { _ = try kafka.topics() }),
            ("partitions", { _ = try kafka.partitions(of: topic) }),
            ("watermarks", { _ = try kafka.watermarks(topic: topic, partition: 0) }),
            ("offsets", { _ = try kafka.offsets(forTimestamp: broker.base, topic: topic, partitions: [0]) }),
            ("startOffsets", { _ = try kafka.startOffsets(forTimestamp: broker.base, topic: topic) }),
        ]
        for (name, call) in calls {
            let started = ContinuousClock.now
            let error = #expect(throws: KafkaError.self, "\(name)") { try call() }
            let elapsed = ContinuousClock.now - started
            #expect(error?.kind == .brokersUnreachable, "\(name): \(String(describing: error))")
            #expect(error?.message.contains("127.0.0.1:\(second)") == true, "\(name): \(String(describing: error))")
            #expect(elapsed < .milliseconds(2_900), "\(name) took \(elapsed)")
        }

        // Same port again; noida kept the topic (it saves on SIGTERM).
        #expect(try KafkaBrokerTrait.start(dir: dir, port: second) == second)
        let deadline = ContinuousClock.now + .seconds(15)
        var answer: (partitions: [Int32], low: Int64, high: Int64)?
        while answer == nil, ContinuousClock.now < deadline {
            if let partitions = try? kafka.partitions(of: topic), let marks = try? kafka.watermarks(topic: topic, partition: 0) {
                answer = (partitions, marks.low, marks.high)
            }
        }
        #expect(answer?.partitions == [0])
        #expect(answer?.low == 0)
        #expect(answer?.high == 0)
    }

    @Test func badConfigurationIsReported() throws {
        let unknown = #expect(throws: KafkaError.self) {
            try KafkaMetadataClient(brokers: broker.bootstrap, config: ["no.such.property": "1"], redact: redaction(["no.such.property": "1"]))
        }
        #expect(unknown?.kind == .other)
        #expect(unknown?.message == "Kafka configuration: No such configuration property: \"no.such.property\"")
        let invalidSecret = #expect(throws: KafkaError.self) {
            let config = ["sasl.oauthbearer.client.secret": "s3cret-value", "sasl.oauthbearer.method": "nope"]
            return try KafkaMetadataClient(brokers: broker.bootstrap, config: config, redact: redaction(config))
        }
        #expect(invalidSecret?.kind == .other, "\(String(describing: invalidSecret))")
        #expect(invalidSecret?.message.contains("s3cret-value") == false)
    }
}

/// The redaction pg2sr's commands give the client: the log's, with the values of secret-looking
/// properties registered (as `--kafka-property` does).
func redaction(_ config: [String: String]) -> @Sendable (String) -> String {
    let redactor = SecretRedactor()
    for (key, value) in config where SecretRedactor.isSecretKey(key) { redactor.add(value) }
    return { redactor.redact($0) }
}

// MARK: - The broker

/// The suite's broker, its topic and the time its messages are stamped relative to.
struct KafkaBroker: Sendable {
    let port: Int
    let topic: String
    let base: Int64
    var bootstrap: String { "127.0.0.1:\(port)" }

    @TaskLocal static var current: KafkaBroker?
}

/// Starts Kafka once around the whole suite and stops it afterwards, also when tests fail.
struct KafkaBrokerTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("pg2sr-kafka-client-tests-\(ProcessInfo.processInfo.processIdentifier)")
        defer {
            _ = try? run(repoRoot.appendingPathComponent("scripts/kafka").path, ["stop", "--dir", dir.path])
            try? FileManager.default.removeItem(at: dir)
        }
        let port = try Self.start(dir: dir)
        // Recent timestamps: noida deletes messages older than 7 days.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let broker = KafkaBroker(port: port, topic: "pg2sr.public.kafka_client_test", base: now / 1000 * 1000 - 3_600_000)
        let produce = try run("python3", ["-c", producerScript, broker.bootstrap, broker.topic, String(broker.base)])
        guard produce.status == 0 else { throw SetupError("creating the topic and producing failed: \(produce.output)") }
        try await KafkaBroker.$current.withValue(broker) { try await function() }
    }
}

extension KafkaBrokerTrait {
    /// `scripts/kafka start`; returns the port.
    static func start(dir: URL, port: Int = 0) throws -> Int {
        let start = try run(repoRoot.appendingPathComponent("scripts/kafka").path, ["start", "--dir", dir.path, "--port", String(port)])
        guard start.status == 0,
              let ready = start.output.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }),
              let portField = ready.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
              let port = Int(portField.dropFirst("port=".count)) else {
            let log = (try? String(contentsOf: dir.appendingPathComponent("kafka.log"), encoding: .utf8)) ?? ""
            throw SetupError("scripts/kafka start failed (\(start.status)): \(start.output); kafka.log: \(log.suffix(2000))")
        }
        return port
    }
}

extension Trait where Self == KafkaBrokerTrait {
    static var kafkaBroker: Self { Self() }
}

private let createTopicScript = """
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
admin.create_topics([NewTopic(sys.argv[2], num_partitions=1, replication_factor=1)], operation_timeout=10)[sys.argv[2]].result(10)
"""

private let producerScript = """
import sys
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], operation_timeout=10)[topic].result(10)
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0})
errors = []
def report(err, msg):
    if err is not None:
        errors.append(str(err))
for partition, deltas in ((0, (0, 1000, 2000)), (1, (1000, 3000))):
    for i, delta in enumerate(deltas):
        producer.produce(topic, value=f"{partition}-{i}".encode(), partition=partition, timestamp=base + delta, on_delivery=report)
        producer.flush(10)  # one at a time: offsets in the order above
left = producer.flush(10)
if left or errors:
    sys.exit(f"produce failed: {left} unsent, errors {errors}")
"""

private let execClean = """
import os, signal, sys
os.closerange(3, 1 << 16)
signal.pthread_sigmask(signal.SIG_SETMASK, [])
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])
"""

private struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs a program to its end; stdout and stderr together.
///
/// Foundation's `Process` on Linux learns that a child exited when a socket it passes down is
/// closed (swift-corelibs-foundation#4795). `scripts/kafka start` leaves noida running in the
/// background with every inherited descriptor, so `waitUntilExit` would wait for noida. Also, the
/// child inherits the spawning thread's signal mask, and Swift's worker threads block SIGTERM: noida
/// would ignore `scripts/kafka stop` for 20 s until its SIGKILL. Hence the program runs behind a
/// python3 `exec` that closes every descriptor above stderr and restores a plain signal state.
private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", execClean, executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A port on 127.0.0.1 nothing listens on.
private func closedPort() throws -> Int {
    let result = try run("python3", ["-c", """
        import socket
        s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
        """])
    guard result.status == 0, let port = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw SetupError("no free port: \(result.output)")
    }
    return port
}
