// Shows progress while chunks load (live, plain lines or JSON) and the summary at the end.
import Foundation
import Pg2srModel
import Pg2srSupport
import Synchronization

/// Shows progress while chunks load: a live display on a terminal, plain periodic lines
/// otherwise, or one JSON object per line (`--progress json`, on stdout).
final class ProgressReporter: @unchecked Sendable {
    private let tracker: ProgressTracker
    private let mode: ProgressMode
    private let interval: Double
    private let log: Logger
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private var drawnLines = 0
    private let live: Bool

    init(tracker: ProgressTracker, mode: ProgressMode, interval: Double, log: Logger) {
        self.tracker = tracker
        self.mode = mode
        self.log = log
        live = mode == .auto && isatty(STDERR_FILENO) == 1
        self.interval = live ? 0.5 : interval
    }

    func start() {
        guard mode != .none else { return }
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                var waited = 0.0
                while waited < interval && !stopped.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: 0.1)
                    waited += 0.1
                }
                if !stopped.load(ordering: .relaxed) { report() }
            }
            done.signal()
        }
        thread.name = "pg2sr-progress"
        thread.start()
    }

    func stop() {
        guard mode != .none else { return }
        stopped.store(true, ordering: .relaxed)
        done.wait()
        if live { erase() }
    }

    private func report() {
        let (tables, inFlight) = tracker.snapshot()
        let elapsed = Date().timeIntervalSince(tracker.startedAt)
        let bytes = tables.reduce(Int64(0)) { $0 + $1.bytes } + inFlight.values.reduce(0, +)
        let estimate = max(tables.reduce(Int64(0)) { $0 + $1.estimatedBytes }, 1)
        let rows = tables.reduce(Int64(0)) { $0 + $1.rows }
        let chunksDone = tables.reduce(0) { $0 + $1.chunksDone }
        let chunksTotal = tables.reduce(0) { $0 + $1.chunksTotal }
        let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
        let remaining = rate > 0 ? max(0, Double(estimate - bytes) / rate) : 0
        switch mode {
        case .json:
            let line: [String: Any] = [
                "event": "progress", "elapsed_s": (elapsed * 10).rounded() / 10, "rows": rows, "bytes": bytes,
                "bytes_per_s": Int(rate), "chunks_done": chunksDone, "chunks_total": chunksTotal,
                "tables": tables.map { ["table": $0.table, "rows": $0.rows, "bytes": $0.bytes, "chunks_done": $0.chunksDone, "chunks_total": $0.chunksTotal] },
            ]
            if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        case .auto where live:
            var lines = ["\(HumanFormat.bytes(bytes)) of ~\(HumanFormat.bytes(estimate))  \(rows) rows  \(HumanFormat.bytes(Int64(rate)))/s  ETA \(HumanFormat.duration(remaining))  chunks \(chunksDone)/\(chunksTotal)"]
            for (index, table) in tables.enumerated() where table.chunksDone < table.chunksTotal {
                let tableBytes = table.bytes + (inFlight[index] ?? 0)
                lines.append("  \(table.table): \(table.rows) rows  \(HumanFormat.bytes(tableBytes))  chunks \(table.chunksDone)/\(table.chunksTotal)")
            }
            erase()
            log.raw(lines.joined(separator: "\n") + "\n")
            drawnLines = lines.count
        default:
            log.raw("pg2sr: progress \(HumanFormat.bytes(bytes)) of ~\(HumanFormat.bytes(estimate)), \(rows) rows, \(HumanFormat.bytes(Int64(rate)))/s, ETA \(HumanFormat.duration(remaining)), chunks \(chunksDone)/\(chunksTotal)\n")
        }
    }

    private func erase() {
        guard drawnLines > 0 else { return }
        log.raw(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines))
        drawnLines = 0
    }

    /// The final table: one line per table and a total, on stderr.
    func printSummary(record: RunRecord) {
        let elapsed = Date().timeIntervalSince(tracker.startedAt)
        var rows = [["table", "target", "rows", "size", "chunks", "skipped"]]
        for table in record.tables {
            rows.append([table.table, table.target, String(table.rows), HumanFormat.bytes(table.bytes), "\(table.chunksDone)/\(table.chunksTotal)", String(table.chunksSkipped)])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            text += row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "\n"
        }
        let rate = elapsed > 0 ? Double(record.totalBytes) / elapsed : 0
        text += "run \(record.runID) \(record.status): \(record.totalRows) rows, \(HumanFormat.bytes(record.totalBytes)) in \(HumanFormat.duration(elapsed)) (\(HumanFormat.bytes(Int64(rate)))/s); snapshot \(record.snapshot?.name ?? "-") at LSN \(record.snapshot?.walLSN ?? "-")\n"
        log.raw(text)
    }
}
