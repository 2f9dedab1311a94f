// Sizes and durations as users write them on the command line.
import Foundation
import Pg2srSupport

/// Sizes (`256MB`, `1.5GB`, `50MB/s`; powers of 1024) and durations (`100ms`, `10s`, `2m`).
enum Quantity {
    static func bytes(_ text: String, option: String) throws -> Int64 {
        var number = text.trimmingCharacters(in: .whitespaces).uppercased()
        if number.hasSuffix("/S") { number.removeLast(2) }
        // As in PostgreSQL's settings, kB/MB/GB are powers of 1024.
        let units: [(String, Double)] = [("TIB", 0x1p40), ("GIB", 0x1p30), ("MIB", 0x1p20), ("KIB", 0x1p10),
                                         ("TB", 0x1p40), ("GB", 0x1p30), ("MB", 0x1p20), ("KB", 0x1p10), ("B", 1)]
        var factor = 1.0
        for (suffix, value) in units where number.hasSuffix(suffix) {
            factor = value
            number.removeLast(suffix.count)
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw Pg2srError.usage("\(option): '\(text)' is not a size (e.g. 256MB, 1GB)")
        }
        return Int64(value * factor)
    }

    static func seconds(_ text: String, option: String) throws -> Double {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where lowered.hasSuffix(suffix) {
            if let value = Double(lowered.dropLast(suffix.count)), value >= 0 { return value * factor }
        }
        if let value = Double(lowered), value >= 0 { return value }
        throw Pg2srError.usage("\(option): '\(text)' is not a duration (e.g. 100ms, 10s, 2m)")
    }
}
