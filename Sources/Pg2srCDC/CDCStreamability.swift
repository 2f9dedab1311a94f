// Which columns Routine Load can carry exactly, decided before any job exists.
import Pg2srModel
import Pg2srSupport

/// Which columns of a run's tables Routine Load can carry exactly, decided before any job exists
/// (docs/cdc-fidelity.md §3): a column Debezium cannot carry is refused, or — with
/// `--keep-unstreamed` — left out of a partial-update job, keeping the snapshot's value.
enum CDCStreamability {
    /// Why `column` cannot be streamed under `envelope`; nil when it can.
    static func refusal(of column: ColumnMapping, envelope: DebeziumEnvelope) -> String? {
        guard let cdc = column.cdc else {
            return "the run was seeded by an older pg2sr that did not record how CDC renders it; seed the run again"
        }
        if let refusal = cdc.refusal { return refusal }
        if envelope == .raw && !column.nullable && column.keyPosition == 0 && column.starRocksType.hasPrefix("ARRAY<") {
            return "under --envelope raw a delete carries no value for a NOT NULL ARRAY column (use --envelope flat)"
        }
        return nil
    }

    /// The columns of `table` its job leaves out; throws a usage error naming the first column that
    /// can be neither streamed nor left out.
    static func keptColumns(of table: TablePlan, envelope: DebeziumEnvelope, keepUnstreamed: Bool) throws -> Set<String> {
        var kept: Set<String> = []
        for column in table.columns {
            guard let reason = refusal(of: column, envelope: envelope) else { continue }
            let name = "\(table.source.qualifiedPlain).\(column.sourceName) (\(column.sourceType))"
            if column.keyPosition > 0 || !column.nullable {
                throw Pg2srError.usage("\(name) cannot be streamed: \(reason); it is \(column.keyPosition > 0 ? "a key column" : "NOT NULL"), so a job cannot leave it out: leave the table out of the run")
            }
            guard keepUnstreamed else {
                throw Pg2srError.usage("\(name) cannot be streamed: \(reason), and a change would overwrite the snapshot's value; leave the table out of the run, or pass --keep-unstreamed (its job then leaves the column as the snapshot loaded it)")
            }
            kept.insert(column.targetName)
        }
        return kept
    }
}
