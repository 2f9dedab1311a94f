/// A numeric in its send format (int16 ndigits, int16 weight, uint16 sign, int16 dscale, then
/// ndigits base-10000 digits, the first worth 10000^weight), printed as numeric_out prints it and
/// tested against the DECIMAL it must fit.
struct NumericValue {
    static let positive: UInt16 = 0x0000, negative: UInt16 = 0x4000, nan: UInt16 = 0xC000
    static let plusInfinity: UInt16 = 0xD000, minusInfinity: UInt16 = 0xF000

    let digits: UnsafeRawPointer
    let ndigits: Int
    let weight: Int
    let sign: UInt16
    let dscale: Int

    init(_ bytes: UnsafeRawBufferPointer) throws(BinaryCopyError) {
        guard bytes.count >= 8, let base = bytes.baseAddress else { throw .malformed("numeric value of \(bytes.count) bytes, expected at least 8") }
        ndigits = Int(base.bigEndianInt16(at: 0))
        weight = Int(base.bigEndianInt16(at: 2))
        sign = base.bigEndianUInt16(at: 4)
        dscale = Int(base.bigEndianInt16(at: 6))
        digits = base + 8
        guard ndigits >= 0, bytes.count == 8 + 2 * ndigits else {
            throw .malformed("numeric value of \(bytes.count) bytes for \(ndigits) digits")
        }
        let knownSign = sign == Self.positive || sign == Self.negative || sign == Self.nan || sign == Self.plusInfinity || sign == Self.minusInfinity
        guard knownSign, dscale >= 0 else {
            throw .malformed("numeric value with sign 0x\(String(sign, radix: 16)) and scale \(dscale)")
        }
        for i in 0..<ndigits where digit(i) < 0 || digit(i) > 9999 {
            throw .malformed("numeric digit \(digit(i)) outside 0...9999")
        }
    }

    @inline(__always) func digit(_ index: Int) -> Int {
        index >= 0 && index < ndigits ? Int(digits.bigEndianInt16(at: 2 * index)) : 0
    }

    var isSpecial: Bool { sign == Self.nan || sign == Self.plusInfinity || sign == Self.minusInfinity }
    var isNaN: Bool { sign == Self.nan }

    /// Room numeric_out's text needs.
    var maxTextLength: Int { 12 + 4 * (max(weight, 0) + 1) + dscale + 4 }

    /// numeric_out (get_str_from_var); returns the length.
    func write(to p: UnsafeMutablePointer<UInt8>) -> Int {
        switch sign {
        case Self.nan: return p.copy("NaN")
        case Self.plusInfinity: return p.copy("Infinity")
        case Self.minusInfinity: return p.copy("-Infinity")
        default: break
        }
        var n = 0
        if sign == Self.negative {
            p[0] = UInt8(ascii: "-")
            n = 1
        }
        var d: Int
        if weight < 0 {
            d = weight + 1
            p[n] = UInt8(ascii: "0")
            n += 1
        } else {
            d = 0
            while d <= weight {
                let dig = digit(d)
                if d == 0 {
                    // The first group without leading zeros.
                    n += DecimalDigits.write(UInt64(dig), to: p + n)
                } else {
                    DecimalDigits.write(UInt64(dig), width: 4, to: p + n)
                    n += 4
                }
                d += 1
            }
        }
        if dscale > 0 {
            p[n] = UInt8(ascii: ".")
            n += 1
            var written = 0
            while written < dscale {
                DecimalDigits.write(UInt64(digit(d)), width: 4, to: p + n + written)
                written += 4
                d += 1
            }
            n += dscale // the last group may be cut
        }
        return n
    }

    /// `trunc(x, fractionDigits) <> x OR abs(x) >= 10^integerDigits` for a finite value.
    func exceeds(integerDigits: Int, fractionDigits: Int) -> Bool {
        guard let first = (0..<ndigits).first(where: { digit($0) != 0 }) else { return false } // zero
        // Integer digits: the first non-zero group's own digits plus 4 per group after it.
        let firstWeight = weight - first
        if firstWeight >= 0 && 4 * firstWeight + DecimalDigits.count(UInt64(digit(first))) > integerDigits { return true }
        // A non-zero digit beyond `fractionDigits` decimals: group d holds decimals
        // 4 (-w - 1) + 1 ... 4 (-w) for its weight w < 0.
        var index = ndigits - 1
        while index >= first {
            let w = weight - index
            if w >= 0 { break }
            let dig = digit(index)
            if dig != 0 {
                let firstDecimal = 4 * (-w - 1) + 1
                if firstDecimal > fractionDigits { return true }
                let kept = fractionDigits - firstDecimal + 1
                if kept < 4 {
                    var divisor = 1
                    for _ in 0..<(4 - kept) { divisor *= 10 }
                    if dig % divisor != 0 { return true }
                }
            }
            index -= 1
        }
        return false
    }
}

extension UnsafeRawPointer {
    @inline(__always) func bigEndianInt16(at offset: Int) -> Int16 { Int16(bigEndian: loadUnaligned(fromByteOffset: offset, as: Int16.self)) }
    @inline(__always) func bigEndianUInt16(at offset: Int) -> UInt16 { UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    @inline(__always) func bigEndianInt32(at offset: Int) -> Int32 { Int32(bigEndian: loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    @inline(__always) func bigEndianUInt32(at offset: Int) -> UInt32 { UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    @inline(__always) func bigEndianInt64(at offset: Int) -> Int64 { Int64(bigEndian: loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
    @inline(__always) func bigEndianUInt64(at offset: Int) -> UInt64 { UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

extension UnsafeMutablePointer where Pointee == UInt8 {
    /// Copies ASCII `text` here; returns its length.
    @inline(__always) func copy(_ text: StaticString) -> Int {
        let count = text.utf8CodeUnitCount
        update(from: text.utf8Start, count: count)
        return count
    }
}
