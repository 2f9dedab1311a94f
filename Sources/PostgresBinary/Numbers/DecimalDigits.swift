/// Writing integers as ASCII decimal digits into raw memory: the building block of every
/// number, date and time the renderer prints. Callers reserve the room (at most 20 digits + sign).
enum DecimalDigits {
    /// "00" "01" ... "99", two bytes per entry (a constant: no array, no reference counting).
    static let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

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
        let table = pairs.utf8Start
        while end >= 2 {
            let pair = Int(v % 100) * 2
            v /= 100
            p[end - 1] = table[pair + 1]
            p[end - 2] = table[pair]
            end -= 2
        }
        if end == 1 { p[0] = UInt8(48 + v % 10) }
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
