// The progress counters in the Prometheus text exposition format.
import Foundation

extension ProgressTracker {
    /// The Prometheus exposition of the counters.
    func prometheusText() -> String {
        let (tables, inFlight) = snapshot()
        func label(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        }
        var lines = [
            "# HELP pg2sr_rows_loaded_total Rows confirmed loaded by StarRocks.", "# TYPE pg2sr_rows_loaded_total counter",
        ]
        lines += tables.map { "pg2sr_rows_loaded_total{table=\"\(label($0.table))\"} \($0.rows)" }
        lines += ["# HELP pg2sr_bytes_loaded_total CSV bytes of confirmed chunks.", "# TYPE pg2sr_bytes_loaded_total counter"]
        lines += tables.map { "pg2sr_bytes_loaded_total{table=\"\(label($0.table))\"} \($0.bytes)" }
        lines += ["# HELP pg2sr_bytes_in_flight Bytes sent in loads not yet confirmed.", "# TYPE pg2sr_bytes_in_flight gauge"]
        lines += tables.enumerated().map { "pg2sr_bytes_in_flight{table=\"\(label($0.element.table))\"} \(inFlight[$0.offset] ?? 0)" }
        lines += ["# HELP pg2sr_chunks_done Chunks finished (loaded, empty or already loaded).", "# TYPE pg2sr_chunks_done gauge"]
        lines += tables.map { "pg2sr_chunks_done{table=\"\(label($0.table))\"} \($0.chunksDone)" }
        lines += ["# HELP pg2sr_chunks_total Chunks planned.", "# TYPE pg2sr_chunks_total gauge"]
        lines += tables.map { "pg2sr_chunks_total{table=\"\(label($0.table))\"} \($0.chunksTotal)" }
        lines += ["# HELP pg2sr_elapsed_seconds Time since the loads started.", "# TYPE pg2sr_elapsed_seconds gauge",
                  "pg2sr_elapsed_seconds \(String(format: "%.1f", Date().timeIntervalSince(startedAt)))"]
        return lines.joined(separator: "\n") + "\n"
    }
}
