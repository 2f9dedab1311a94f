/// Writing integers as ASCII decimal digits into raw memory: the building block of every
/// number, date and time the renderer prints. Callers reserve the room (at most 20 digits + sign).
enum DecimalDigits {
    /// "00" "01" ... "99", two bytes per entry.
    static let pairs: [UInt8] = {
        var table: [UInt8] = []
        for n in 0..<100 {
            table.append(UInt8(48 + n / 10))
            table.append(UInt8(48 + n % 10))
        }
        return table
    }()

    /// Number of decimal digits of `value` (1 for 0).
    @inline(__always) static func count(_ value: UInt64) -> Int {
        var n = 1
        var v = value
        while v >= 10_000 {
            v /= 10_000
            n += 4
        }
        if v >= 1000 { return n + 3 }
        if v >= 100 { return n + 2 }
        if v >= 10 { return n + 1 }
        return n
    }

    /// Writes exactly `width` digits of `value` (the lowest ones, zero-padded) at `p`.
    @inline(__always) static func write(_ value: UInt64, width: Int, to p: UnsafeMutablePointer<UInt8>) {
        var v = value
        var end = width
        pairs.withUnsafeBufferPointer { table in
            while end >= 2 {
                let pair = Int(v % 100) * 2
                v /= 100
                p[end - 1] = table[pair + 1]
                p[end - 2] = table[pair]
                end -= 2
            }
            if end == 1 { p[0] = UInt8(48 + v % 10) }
        }
    }

    /// Writes `value` at `p`; returns the number of bytes (at most 20).
    @inline(__always) static func write(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let n = count(value)
        write(value, width: n, to: p)
        return n
    }

    /// Writes `value` with a leading `-` when negative; at most 20 bytes.
    @inline(__always) static func write(signed value: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 0 {
            p[0] = UInt8(ascii: "-")
            return 1 + write(value.magnitude, to: p + 1)
        }
        return write(UInt64(value), to: p)
    }

    /// `value` zero-padded to at least `width` digits (PostgreSQL's pg_ultostr_zeropad).
    @inline(__always) static func write(_ value: UInt64, minimumWidth width: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let n = max(count(value), width)
        write(value, width: n, to: p)
        return n
    }
}
