// A table's verdict: totals, differing chunks and, where narrowed, the differing rows by key.
import Foundation

extension TableCheck {
    func report(maxDifferences: Int) -> TableVerification {
        let sourceTotal = sourceTally.reduce(into: ChunkTally()) { $0.rows += $1.rows; $0.sum &+= $1.sum }
        let targetTotal = targetTally.reduce(into: ChunkTally()) { $0.rows += $1.rows; $0.sum &+= $1.sum }
        var table = TableVerification(source: plan.source.description, target: plan.targetTable, status: "equal",
                                      sourceRows: sourceTotal.rows, targetRows: targetTotal.rows,
                                      sourceChecksum: Self.hex(sourceTotal.sum), targetChecksum: Self.hex(targetTotal.sum),
                                      rangeColumn: rangeIndex.map { plan.columns[$0].targetName }, chunks: chunkCount)
        if !targetExists { table.note = "target table \(plan.targetTable) does not exist" }
        var examples = 0
        for chunk in pending.sorted() {
            var difference = ChunkDifference(index: chunk, range: rangeDescription(chunk),
                                             sourceRows: sourceTally[chunk].rows, targetRows: targetTally[chunk].rows)
            if narrowedChunks.contains(chunk), let sourceRows = keptSourceRows[chunk], let targetRows = keptTargetRows[chunk] {
                let found = diff(source: sourceRows, target: targetRows)
                difference.missingInTarget = found.missing
                difference.extraInTarget = found.extra
                difference.changed = found.changed
                let room = max(0, maxDifferences - examples)
                difference.examples = Array(found.examples.prefix(room))
                examples += difference.examples.count
            }
            table.differingChunks.append(difference)
        }
        if !table.differingChunks.isEmpty || !targetExists { table.status = "different" }
        return table
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    struct Found {
        var missing = 0
        var extra = 0
        var changed = 0
        var examples: [RowDifference] = []
    }

    /// Rows of one chunk compared by identity (key, or the whole row for tables without one).
    func diff(source: [CanonicalRow], target: [CanonicalRow]) -> Found {
        var found = Found()
        var bySource: [KeyBytes: [CanonicalRow]] = [:]
        for row in source { bySource[KeyBytes(identity.map { row.values[$0] }), default: []].append(row) }
        var extra: [CanonicalRow] = []
        for row in target {
            let key = KeyBytes(identity.map { row.values[$0] })
            guard var candidates = bySource[key], !candidates.isEmpty else {
                extra.append(row)
                continue
            }
            let match = candidates.firstIndex { $0.digest == row.digest } ?? 0
            let counterpart = candidates.remove(at: match)
            bySource[key] = candidates
            if counterpart.digest != row.digest {
                found.changed += 1
                if found.examples.count < 1000 {
                    let columns = plan.columns.indices.filter { counterpart.values[$0] != row.values[$0] || !Self.sameBytes(counterpart.values[$0], row.values[$0]) }
                    found.examples.append(RowDifference(kind: "changed", key: keyText(row), columns: columns.map {
                        ColumnDifference(column: plan.columns[$0].targetName, source: Self.shown(counterpart.values[$0]), target: Self.shown(row.values[$0]))
                    }))
                }
            }
        }
        for (_, rows) in bySource.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            for row in rows {
                found.missing += 1
                if found.examples.count < 1000 { found.examples.append(RowDifference(kind: "missing in target", key: keyText(row))) }
            }
        }
        for row in extra {
            found.extra += 1
            if found.examples.count < 1000 { found.examples.append(RowDifference(kind: "extra in target", key: keyText(row))) }
        }
        found.examples.sort { order($0.kind) < order($1.kind) }
        return found
    }

    func order(_ kind: String) -> Int { kind == "changed" ? 0 : kind == "missing in target" ? 1 : 2 }

    func keyText(_ row: CanonicalRow) -> String {
        identity.map { index in
            let shown = Self.shown(row.values[index]) ?? "NULL"
            return identity.count == 1 ? shown : "\(plan.columns[index].targetName)=\(shown)"
        }.joined(separator: ", ")
    }

    static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.utf8.elementsEqual(b.utf8)
        default: false
        }
    }

    static func shown(_ value: String?) -> String? {
        guard var value else { return nil }
        if value.hasPrefix(CanonicalValue.invalidPrefix) {
            value = "(cannot be held by the target type: " + value.dropFirst(CanonicalValue.invalidPrefix.count) + ")"
        }
        return value.count > 80 ? String(value.prefix(77)) + "..." : value
    }
}
