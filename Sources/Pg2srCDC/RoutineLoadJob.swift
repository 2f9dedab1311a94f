// One Routine Load job: a Debezium topic into a target table, from explicit offsets, with the mapping's expressions and guard.
import Foundation
import Pg2srModel
import Pg2srSupport

/// One StarRocks Routine Load job consuming one Debezium topic into one target table, from
/// explicit per-partition offsets, with column expressions from the shared mapping so that CDC
/// writes the same values the snapshot did — or stops (docs/cdc-fidelity.md).
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
    /// Columns Debezium cannot carry that the job leaves as the snapshot loaded them
    /// (`--keep-unstreamed`): the job loads the others as a partial update.
    public var keptColumns: Set<String> = []
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

    /// The column that carries the guard: the first key column, else the first NOT NULL one.
    var guardColumn: Int? {
        columns.indices.first { columns[$0].keyPosition == 1 } ?? columns.indices.first { !columns[$0].nullable && !keptColumns.contains(columns[$0].targetName) }
    }

    /// The load's COLUMNS entries (with the JSON path of each bound one) and derived columns.
    ///
    /// Flat envelope: every column reads `$.<column>`. Raw envelope: a key column chooses
    /// `if(op = 'd', before, after)`; the others read `$.after.<column>` (a delete needs only its
    /// key). A column loads as it is (strict mode checks the conversion) unless its CDC rendering
    /// has an expression, it carries the guard, or (raw) it is NOT NULL and a delete must still give
    /// it a value. Checks on a column loaded as it is read a second binding of the same path.
    struct Plan {
        var bound: [(column: String, path: String)] = []
        var derived: [String] = []
        /// Checks exist but no NOT NULL column can carry them (a DUPLICATE KEY table).
        var unguarded = false
    }

    var plan: Plan {
        let q = StarRocksSQL.quoteIdentifier
        let delete = envelope == .flat ? "pg2sr_deleted = 'true'" : "pg2sr_op = 'd'"
        var plan = Plan()
        var loadGuard = LoadGuard()
        var values: [(index: Int, value: String)] = []
        let guardColumn = guardColumn
        for (index, column) in columns.enumerated() where !keptColumns.contains(column.targetName) {
            let cdc = column.cdc ?? CDCRendering()
            let after = envelope == .flat ? ["$", column.sourceName] : ["$", "after", column.sourceName]
            let temporary = envelope == .flat ? "pg2sr_v\(index)" : "pg2sr_a\(index)"
            let isKey = column.keyPosition > 0
            guard isKey || index == guardColumn || cdc.expression != nil || (envelope == .raw && !column.nullable) else {
                plan.bound.append((q(column.targetName), Self.jsonPath(after)))
                if !cdc.checks.isEmpty {
                    plan.bound.append((temporary, Self.jsonPath(after)))
                    loadGuard.require(cdc.checks, on: temporary)
                }
                continue
            }
            plan.bound.append((temporary, Self.jsonPath(after)))
            var text = temporary
            if isKey && envelope == .raw {
                plan.bound.append(("pg2sr_b\(index)", Self.jsonPath(["$", "before", column.sourceName])))
                text = "if(pg2sr_op = 'd', pg2sr_b\(index), \(temporary))"
            }
            var value = cdc.expression.map { $0.replacingOccurrences(of: "{}", with: text) } ?? text
            if cdc.expression != nil || !isKey {
                // A key that does not convert is NULL, which StarRocks refuses anyway.
                loadGuard.requireValue(value, of: text, type: column.starRocksType, nullWhen: cdc.nullWhen?.replacingOccurrences(of: "{}", with: text))
            }
            loadGuard.require(cdc.checks, on: text)
            if !isKey && !column.nullable {
                value = "if(\(delete), \(LoadGuard.filler(for: column.starRocksType)), \(value))"
            }
            values.append((index, value))
        }
        plan.unguarded = guardColumn == nil && !loadGuard.isEmpty
        for (index, value) in values {
            plan.derived.append("\(q(columns[index].targetName)) = \(index == guardColumn ? loadGuard.guarding(value, exempt: delete) : value)")
        }
        switch envelope {
        case .flat: plan.bound.append(("pg2sr_deleted", "$.__deleted"))
        case .raw: plan.bound.append(("pg2sr_op", "$.op"))
        }
        plan.derived.append("__op = if(\(delete), 1, 0)")
        return plan
    }

    /// Why the job cannot be created safely; nil when it can.
    public var problem: String? {
        plan.unguarded ? "it has no NOT NULL column to carry pg2sr's checks (a DUPLICATE KEY table without one)" : nil
    }

    /// `CREATE ROUTINE LOAD` for this job.
    public var createStatement: String {
        let plan = plan
        let partitions = offsets.keys.sorted()
        var kafka: [(String, String)] = [
            ("kafka_broker_list", brokers),
            ("kafka_topic", topic),
            ("kafka_partitions", partitions.map(String.init).joined(separator: ",")),
            ("kafka_offsets", partitions.map { String(offsets[$0]!) }.joined(separator: ",")),
            ("property.group.id", name),
        ]
        kafka += kafkaProperties.sorted { $0.key < $1.key }.map { ("property.\($0.key)", $0.value) }
        let jsonPaths = "[" + plan.bound.map { "\"\($0.path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ",") + "]"
        var properties: [(String, String)] = [
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
        if !keptColumns.isEmpty { properties.append(("partial_update", "true")) }
        func list(_ pairs: [(String, String)]) -> String {
            pairs.map { "    \(Self.quoted($0.0)) = \(Self.quoted($0.1))" }.joined(separator: ",\n")
        }
        return """
        CREATE ROUTINE LOAD \(StarRocksSQL.quoteIdentifier(database)).\(name) ON \(StarRocksSQL.quoteIdentifier(table))
        COLUMNS (\((plan.bound.map(\.column) + plan.derived).joined(separator: ", ")))
        PROPERTIES (
        \(list(properties))
        )
        FROM KAFKA (
        \(list(kafka))
        );
        """
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

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
