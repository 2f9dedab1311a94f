import Foundation
import KafkaClient

/// `pg2sr status`: the run record, each Routine Load job's state, and its lag (the partition's
/// high watermark against the job's consumed offset).
public struct JobStatus: Sendable, Codable {
    public var table: String
    public var job: String
    public var state: String
    public var reason: String?
    /// partition → last consumed offset (nil: nothing consumed yet).
    public var consumed: [String: Int64?]
    /// Messages not yet consumed, summed over partitions (nil when Kafka was not asked).
    public var lag: Int64?
}

public struct RunStatusReport: Sendable, Codable {
    public var run: RunRecord
    public var jobs: [JobStatus]
}

public enum RunStatusReader {
    public static func read(target: StarRocksTarget, record: RunRecord, brokers: String?, topicPrefix: String,
                            kafkaProperties: [String: String] = [:]) throws -> RunStatusReport {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        let result = try session.query("SHOW ALL ROUTINE LOAD FROM \(StarRocksSQL.quoteIdentifier(target.database))", "cannot list Routine Load jobs")
        let kafka: KafkaMetadataClient?
        do { kafka = try brokers.map { try KafkaMetadataClient(brokers: $0, config: kafkaProperties) } } catch let error as KafkaError {
            throw Pg2srError.cdc(error.message)
        }
        var jobs: [JobStatus] = []
        for table in record.plan?.tables ?? [] {
            let name = RoutineLoadJob.name(runID: record.runID, table: table.targetTable)
            // The newest job of that name (an older STOPPED one may be listed too).
            guard let row = result.rows.indices.last(where: { result.value($0, "Name") == name }) else { continue }
            var consumed: [String: Int64?] = [:]
            if let data = result.value(row, "Progress")?.data(using: .utf8),
               let progress = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                for (partition, value) in progress { consumed[partition] = Int64("\(value)") }
            }
            var lag: Int64?
            if let kafka {
                let topic = DebeziumConfig.topic(prefix: topicPrefix, table: table.source)
                do {
                    let partitions = consumed.keys.compactMap { Int32($0) }
                    let highs = try kafka.watermarks(topic: topic, partitions: partitions)
                    lag = partitions.reduce(Int64(0)) { sum, partition in
                        let next = (consumed[String(partition)] ?? nil).map { $0 + 1 } ?? 0
                        return sum + max(0, (highs[partition]?.high ?? 0) - next)
                    }
                } catch let error as KafkaError {
                    throw Pg2srError.cdc(error.message)
                }
            }
            let reason = result.value(row, "ReasonOfStateChanged").flatMap { $0.isEmpty ? nil : $0 }
            jobs.append(JobStatus(table: table.source.description, job: name, state: result.value(row, "State") ?? "?",
                                  reason: reason, consumed: consumed, lag: lag))
        }
        return RunStatusReport(run: record, jobs: jobs)
    }
}
