#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV field exactly as PostgreSQL's `COPY ... (FORMAT csv, NULL '\N')` writes it
/// (copyto.c, CopyAttributeOutCSV): quoted when it contains the delimiter `,`, the quote `"`, CR
/// or LF, when it equals the NULL string `\N`, or — in a one-column COPY — when it is `\.`
/// (which would read as end of data); inside quotes a quote is doubled. NULL is a bare `\N`.
enum CSVField {
    static func writeNull(into output: inout ByteBuffer) {
        let p = output.reserve(2)
        p[0] = UInt8(ascii: "\\")
        p[1] = UInt8(ascii: "N")
        output.commit(2)
    }

    /// Whether PostgreSQL would quote `bytes`.
    @inline(__always) static func needsQuotes(_ bytes: UnsafeRawBufferPointer, onlyColumn: Bool) -> Bool {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return false }
        if count == 2 && base.load(as: UInt8.self) == UInt8(ascii: "\\") {
            let second = base.load(fromByteOffset: 1, as: UInt8.self)
            if second == UInt8(ascii: "N") || (onlyColumn && second == UInt8(ascii: ".")) { return true }
        }
        return containsSpecial(base, count)
    }

    /// Any of `,` `"` CR LF, eight bytes at a time (a byte equal to `c` makes `w ^ c·0x01..01`
    /// have a zero byte, which the classic `(x - 0x01..) & ~x & 0x80..` test finds).
    @inline(__always) static func containsSpecial(_ base: UnsafeRawPointer, _ count: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasByte(_ w: UInt64, _ c: UInt64) -> Bool {
            let x = w ^ (c &* ones)
            return (x &- ones) & ~x & highs != 0
        }
        var i = 0
        while i + 8 <= count {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if hasByte(w, 0x2C) || hasByte(w, 0x22) || hasByte(w, 0x0A) || hasByte(w, 0x0D) { return true }
            i += 8
        }
        while i < count {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return true }
            i += 1
        }
        return false
    }

    /// Appends `bytes` as a CSV field.
    @inline(__always) static func write(_ bytes: UnsafeRawBufferPointer, onlyColumn: Bool, into output: inout ByteBuffer) {
        if needsQuotes(bytes, onlyColumn: onlyColumn) {
            writeQuoted(bytes, into: &output)
        } else {
            output.append(bytes)
        }
    }

    /// Quoted, each quote doubled: the runs between quotes copied whole (memchr finds the quotes).
    static func writeQuoted(_ bytes: UnsafeRawBufferPointer, into output: inout ByteBuffer) {
        let p = output.reserve(2 * bytes.count + 2)
        p[0] = UInt8(ascii: "\"")
        var n = 1
        if let base = bytes.baseAddress {
            var start = 0
            let count = bytes.count
            while start < count {
                let rest = count - start
                let found = memchr(base + start, 0x22, rest).map { $0 - UnsafeMutableRawPointer(mutating: base + start) }
                let run = found.map { $0 + 1 } ?? rest // through the quote
                UnsafeMutableRawPointer(p + n).copyMemory(from: base + start, byteCount: run)
                n += run
                start += run
                if found != nil {
                    p[n] = UInt8(ascii: "\"")
                    n += 1
                }
            }
        }
        p[n] = UInt8(ascii: "\"")
        output.commit(n + 1)
    }
}
