// The id a seed run gets when `--run-id` names none.
import Foundation

enum RunID {
    /// `20261125T120000-1x2y3z`: the UTC start time and a random part.
    static func generate() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
    }
}
