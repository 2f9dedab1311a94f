/// 64-bit digests of canonical rows: FNV-1a over length-framed values (NULL has its own
/// marker, so `("a", "bc")`, `("ab", "c")` and `(NULL, "")` differ), then a SplitMix64
/// finalizer so that sums of digests mix well. A chunk's checksum is the row count and the
/// wrapping sum of its row digests: independent of row order, so each side may read in any
/// order, and a single changed, missing or extra row changes it.
struct RowDigest {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ value: String?) {
        guard let value else {
            byte(0xFF)
            return
        }
        byte(0x01)
        let count = value.utf8.count
        byte(UInt8(truncatingIfNeeded: count))
        byte(UInt8(truncatingIfNeeded: count >> 8))
        byte(UInt8(truncatingIfNeeded: count >> 16))
        byte(UInt8(truncatingIfNeeded: count >> 24))
        for b in value.utf8 { byte(b) }
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        state ^= UInt64(b)
        state &*= 0x0000_0100_0000_01B3
    }

    var value: UInt64 {
        var z = state &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func of(_ values: [String?]) -> UInt64 {
        var digest = RowDigest()
        for value in values { digest.add(value) }
        return digest.value
    }
}

/// A row key as bytes (framed canonical values): compared byte for byte, never with String's
/// Unicode-equivalence equality (a precomposed and a decomposed "é" are different keys).
struct KeyBytes: Hashable {
    var bytes: [UInt8]

    init(_ values: [String?]) {
        var bytes: [UInt8] = []
        for value in values {
            guard let value else {
                bytes.append(0xFF)
                continue
            }
            bytes.append(0x01)
            let count = value.utf8.count
            bytes += [UInt8(truncatingIfNeeded: count), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 24)]
            bytes += value.utf8
        }
        self.bytes = bytes
    }
}

/// Orders canonical values of an orderable StarRocks type the way StarRocks compares them:
/// integers by value, strings by their UTF-8 bytes (which is also the order of canonical
/// DATE/DATETIME text and of `0`/`1` booleans).
enum CanonicalOrder {
    static func less(_ a: String, _ b: String, type: TargetType) -> Bool {
        if case .integer = type {
            let negativeA = a.hasPrefix("-"), negativeB = b.hasPrefix("-")
            if negativeA != negativeB { return negativeA }
            let magnitudeA = negativeA ? a.dropFirst() : Substring(a), magnitudeB = negativeB ? b.dropFirst() : Substring(b)
            let ascending: Bool
            if magnitudeA.count != magnitudeB.count {
                ascending = magnitudeA.count < magnitudeB.count
            } else if magnitudeA.utf8.elementsEqual(magnitudeB.utf8) {
                return false
            } else {
                ascending = magnitudeA.utf8.lexicographicallyPrecedes(magnitudeB.utf8)
            }
            return negativeA ? !ascending : ascending
        }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The chunk holding `value` between sorted `boundaries` (chunk i = [b(i-1), b(i))); NULL
    /// and invalid values go to chunk 0, as in the StarRocks predicate of chunk 0.
    static func chunk(of value: String?, boundaries: [String], type: TargetType) -> Int {
        guard let value, !value.hasPrefix(CanonicalValue.invalidPrefix), !boundaries.isEmpty else { return 0 }
        var low = 0, high = boundaries.count
        while low < high {
            let middle = (low + high) / 2
            if less(value, boundaries[middle], type: type) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
