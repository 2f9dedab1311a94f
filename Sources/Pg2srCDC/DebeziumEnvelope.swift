// `--envelope flat|raw`: the two Debezium message shapes pg2sr builds Routine Load jobs for.

/// Debezium's two message shapes pg2sr can build Routine Load jobs for.
public enum DebeziumEnvelope: String, Sendable, CaseIterable, Codable {
    /// `ExtractNewRecordState` with `delete.tombstone.handling.mode=rewrite`: flat rows plus
    /// `"__deleted": "true"|"false"`.
    case flat
    /// The full envelope (`before`, `after`, `op`, `source`).
    case raw
}
