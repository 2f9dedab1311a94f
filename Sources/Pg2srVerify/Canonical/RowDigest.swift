// Order-independent 64-bit digests of canonical rows, summed into chunk checksums.

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
