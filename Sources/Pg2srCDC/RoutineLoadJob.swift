// One Routine Load job: a Debezium topic into a target table, from explicit offsets, with the mapping's expressions.
import Foundation
import Pg2srModel
import Pg2srSupport

/// One StarRocks Routine Load job consuming one Debezium topic into one target table, from
/// explicit per-partition offsets, with column expressions from the shared mapping so that CDC
/// writes the same values the snapshot did.
public struct RoutineLoadJob: Sendable, Codable {
    public var name: String
    public var database: String
    public var table: String
    public var topic: String
    public var brokers: String
    /// partition → first offset to consume.
    public var offsets: [Int32: Int64]
    public var envelope: DebeziumEnvelope
    public var columns: [ColumnMapping]
    /// librdkafka properties passed as `property.*` (security settings and the like).
    public var kafkaProperties: [String: String] = [:]

    /// Deterministic per (run, table): re-running finds the job instead of creating a second one.
    /// StarRocks job names: `^[a-zA-Z]\w{0,63}$`.
    public static func name(runID: String, table: String) -> String {
        func ascii(_ text: String, limit: Int) -> String {
            String(text.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" }.prefix(limit))
        }
        let hash = String(StableHash.fnv1a64(runID + "\u{0}" + table) & 0xFFFF_FFFF, radix: 16)
        return "pg2sr_\(ascii(runID, limit: 20))_\(ascii(table, limit: 20))_\(hash)"
    }

    /// `CREATE ROUTINE LOAD` for this job.
    public var createStatement: String {
        let q = StarRocksSQL.quoteIdentifier
        var sources: [String] = []      // COLUMNS entries bound to jsonpaths, in order
        var paths: [String] = []
        var derived: [String] = []      // `name = expr` entries
        switch envelope {
        case .flat:
            for (index, column) in columns.enumerated() {
                if let expression = column.cdcExpression {
                    let temporary = "pg2sr_v\(index)"
                    sources.append(temporary)
                    derived.append("\(q(column.targetName)) = \(expression.replacingOccurrences(of: "{}", with: temporary))")
                } else {
                    sources.append(q(column.targetName))
                }
                paths.append(Self.jsonPath(["$", column.sourceName]))
            }
            sources.append("pg2sr_deleted")
            paths.append("$.__deleted")
            derived.append("__op = if(pg2sr_deleted = 'true', 1, 0)")
        case .raw:
            // Both images, chosen per row: `IF(op = 'd', before, after)`, never COALESCE (an update
            // to NULL would resurrect the old value).
            for (index, column) in columns.enumerated() {
                sources.append("pg2sr_a\(index)")
                paths.append(Self.jsonPath(["$", "after", column.sourceName]))
                sources.append("pg2sr_b\(index)")
                paths.append(Self.jsonPath(["$", "before", column.sourceName]))
                let chosen = "if(pg2sr_op = 'd', pg2sr_b\(index), pg2sr_a\(index))"
                let value = column.cdcExpression.map { $0.replacingOccurrences(of: "{}", with: chosen) } ?? chosen
                derived.append("\(q(column.targetName)) = \(value)")
            }
            sources.append("pg2sr_op")
            paths.append("$.op")
            derived.append("__op = if(pg2sr_op = 'd', 1, 0)")
        }
        let partitions = offsets.keys.sorted()
        var kafka: [(String, String)] = [
            ("kafka_broker_list", brokers),
            ("kafka_topic", topic),
            ("kafka_partitions", partitions.map(String.init).joined(separator: ",")),
            ("kafka_offsets", partitions.map { String(offsets[$0]!) }.joined(separator: ",")),
            ("property.group.id", name),
        ]
        kafka += kafkaProperties.sorted { $0.key < $1.key }.map { ("property.\($0.key)", $0.value) }
        let jsonPaths = "[" + paths.map(StarRocksSQL.doubleQuoted).joined(separator: ",") + "]"
        let properties: [(String, String)] = [
            ("format", "json"),
            ("jsonpaths", jsonPaths),
            // max_error_number alone still commits a batch's good rows and moves past the bad one
            // before pausing (RoutineLoadJob.afterCommitted); max_filter_ratio=0 rejects the whole
            // batch instead, so the job pauses at the bad row and nothing is skipped.
            ("max_error_number", "0"),
            ("max_filter_ratio", "0"),
            ("strict_mode", "true"),
            ("timezone", "UTC"),
            ("desired_concurrent_number", "1"),
        ]
        func list(_ pairs: [(String, String)]) -> String {
            pairs.map { "    \(StarRocksSQL.doubleQuoted($0.0)) = \(StarRocksSQL.doubleQuoted($0.1))" }.joined(separator: ",\n")
        }
        return SQLTemplate("starrocks/create_routine_load").render([
            "database": .identifier(database), "job": .word(name), "table": .identifier(table),
            "columns": .sql((sources + derived).joined(separator: ", ")), "properties": .sql(list(properties)), "kafka": .sql(list(kafka)),
        ])
    }

    /// `$.name`, or `$["name"]` where the name is not a plain identifier.
    static func jsonPath(_ parts: [String]) -> String {
        var path = parts[0]
        for part in parts.dropFirst() {
            let plain = !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
                && !(part.first!.isNumber)
            path += plain ? ".\(part)" : "[\"\(part.replacingOccurrences(of: "\"", with: "\\\""))\"]"
        }
        return path
    }
}
