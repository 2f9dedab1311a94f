// `pg2sr status`: the run record, each Routine Load job's state, and its lag behind Kafka.
import Foundation
import KafkaClient
import Pg2srModel
import Pg2srSupport
import Pg2srTarget

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

    /// Jobs that no longer load: PAUSED (a rejected row, pg2sr's guard among them, or a user),
    /// CANCELLED or STOPPED. A PAUSED job resumes where it stopped once its cause is fixed.
    public var stoppedJobs: [JobStatus] {
        jobs.filter { ["PAUSED", "CANCELLED", "STOPPED"].contains($0.state) }
    }

    /// Exit 65 naming every stopped job and StarRocks' reason (after the report was printed).
    public func failIfUnhealthy() throws {
        let stopped = stoppedJobs
        guard !stopped.isEmpty else { return }
        let named = stopped.map { "\($0.job) (\($0.table)) \($0.state)\($0.reason.map { ": \($0)" } ?? "")" }.joined(separator: "; ")
        throw Pg2srError.dataRejected("Routine Load job\(stopped.count == 1 ? "" : "s") not loading: \(named) (a row pg2sr's guard or StarRocks refused: see the job's ErrorLogUrls in SHOW ROUTINE LOAD; docs/cdc-fidelity.md)")
    }
}

public enum RunStatusReader {
    public static func read(target: StarRocksTarget, record: RunRecord, brokers: String?, topicPrefix: String,
                            kafkaProperties: [String: String] = [:], log: Logger) throws -> RunStatusReport {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        let listed = try session.routineLoadJobs()
        let kafka: KafkaMetadataClient?
        do {
            kafka = try brokers.map { try KafkaMetadataClient(brokers: $0, config: kafkaProperties, redact: { log.redact($0) }) }
        } catch let error as KafkaError {
            throw Pg2srError.cdc(error.message)
        }
        var jobs: [JobStatus] = []
        for table in record.plan?.tables ?? [] {
            let name = RoutineLoadJob.name(runID: record.runID, table: table.targetTable)
            // The newest job of that name (an older STOPPED one may be listed too).
            guard let job = listed.last(where: { $0.name == name }) else { continue }
            var consumed: [String: Int64?] = [:]
            if let data = job.progress.data(using: .utf8),
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
            let reason = job.reasonOfStateChange.flatMap { $0.isEmpty ? nil : $0 }
            jobs.append(JobStatus(table: table.source.description, job: name, state: job.state.isEmpty ? "?" : job.state,
                                  reason: reason, consumed: consumed, lag: lag))
        }
        return RunStatusReport(run: record, jobs: jobs)
    }
}
