/// Reading one value of a decoded kind from its send-format bytes: the fixed sizes, and the
/// text PostgreSQL's output function gives it (what reject messages and array_out show).
enum BinaryValue {
    /// The send format's size for fixed-size kinds; nil for variable ones.
    static func fixedSize(_ kind: ColumnEncoding.Kind) -> Int? {
        switch kind {
        case .int2: return 2
        case .int4, .oid, .float4, .date: return 4
        case .int8, .float8, .timestamp, .timestamptz, .time: return 8
        case .bool: return 1
        case .timetz: return 12
        case .interval, .uuid: return 16
        case .rendered, .numeric, .text, .bytea, .json, .jsonb: return nil
        }
    }

    @inline(__always) static func checkSize(_ value: UnsafeRawBufferPointer, _ kind: ColumnEncoding.Kind) throws(BinaryCopyError) {
        if let size = fixedSize(kind), value.count != size {
            throw .malformed("\(kind) value of \(value.count) bytes, expected \(size)")
        }
    }

    /// The JSON text of a jsonb value (after its version byte, which must be 1).
    @inline(__always) static func jsonbText(_ value: UnsafeRawBufferPointer) throws(BinaryCopyError) -> UnsafeRawBufferPointer {
        guard let version = value.first else { throw .malformed("jsonb value of 0 bytes") }
        guard version == 1 else { throw .malformed("jsonb version \(version), expected 1") }
        return UnsafeRawBufferPointer(rebasing: value[1...])
    }

    /// The value as its type's output function prints it (DateStyle ISO, TimeZone UTC,
    /// IntervalStyle postgres, extra_float_digits 1); bytea as `\x…`.
    static func writePostgresText(_ kind: ColumnEncoding.Kind, _ value: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(BinaryCopyError) {
        try checkSize(value, kind)
        let base = value.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        switch kind {
        case .rendered, .text, .json:
            out.append(value)
        case .jsonb:
            out.append(try jsonbText(value))
        case .bytea:
            out.append("\\x")
            out.commit(TextForms.writeHex(value, to: out.reserve(2 * value.count)))
        case .numeric:
            let numeric = try NumericValue(value)
            out.commit(numeric.write(to: out.reserve(numeric.maxTextLength)))
        default:
            let p = out.reserve(max(DateTimeText.maxLength, IntervalValue.maxLength))
            out.commit(writeFixedPostgresText(kind, base, to: p))
        }
    }

    private static func writeFixedPostgresText(_ kind: ColumnEncoding.Kind, _ base: UnsafeRawPointer, to p: UnsafeMutablePointer<UInt8>) -> Int {
        switch kind {
        case .int2: return DecimalDigits.write(signed: Int64(base.bigEndianInt16(at: 0)), to: p)
        case .int4: return DecimalDigits.write(signed: Int64(base.bigEndianInt32(at: 0)), to: p)
        case .int8: return DecimalDigits.write(signed: base.bigEndianInt64(at: 0), to: p)
        case .oid: return DecimalDigits.write(UInt64(base.bigEndianUInt32(at: 0)), to: p)
        case .float4: return FloatText.write(Float(bitPattern: base.bigEndianUInt32(at: 0)), to: p)
        case .float8: return FloatText.write(Double(bitPattern: base.bigEndianUInt64(at: 0)), to: p)
        case .bool: return p.copy(base.load(as: UInt8.self) != 0 ? "t" : "f")
        case .uuid: return TextForms.writeUUID(UnsafeRawBufferPointer(start: base, count: 16), to: p)
        case .date: return DateTimeText.writeDate(base.bigEndianInt32(at: 0), to: p)
        case .timestamp: return DateTimeText.writeTimestamp(base.bigEndianInt64(at: 0), to: p)
        case .timestamptz: return DateTimeText.writeTimestamp(base.bigEndianInt64(at: 0), zone: true, to: p)
        case .time: return DateTimeText.writeTime(base.bigEndianInt64(at: 0), to: p)
        case .timetz:
            let n = DateTimeText.writeTime(base.bigEndianInt64(at: 0), to: p)
            return n + DateTimeText.writeZone(secondsWest: base.bigEndianInt32(at: 8), to: p + n)
        case .interval: return IntervalValue(base).writePostgres(to: p)
        case .rendered, .text, .json, .jsonb, .bytea, .numeric: return 0
        }
    }

    /// int2, int4 or int8 in decimal.
    @inline(__always) static func writeInteger(_ kind: ColumnEncoding.Kind, _ base: UnsafeRawPointer, into out: inout ByteBuffer) {
        let value: Int64
        switch kind {
        case .int2: value = Int64(base.bigEndianInt16(at: 0))
        case .int4: value = Int64(base.bigEndianInt32(at: 0))
        default: value = base.bigEndianInt64(at: 0)
        }
        out.commit(DecimalDigits.write(signed: value, to: out.reserve(20)))
    }

    /// Whether a date/timestamp value is ±infinity.
    @inline(__always) static func isInfinite(_ kind: ColumnEncoding.Kind, _ base: UnsafeRawPointer) -> Bool {
        switch kind {
        case .date:
            let days = base.bigEndianInt32(at: 0)
            return days == DateTimeText.dateMinusInfinity || days == DateTimeText.datePlusInfinity
        case .timestamp, .timestamptz:
            let micros = base.bigEndianInt64(at: 0)
            return micros == DateTimeText.timestampMinusInfinity || micros == DateTimeText.timestampPlusInfinity
        default: return false
        }
    }

    /// Whether a date/timestamp value lies outside StarRocks' 0001-01-01 .. 9999-12-31.
    @inline(__always) static func isOutsideStarRocks(_ kind: ColumnEncoding.Kind, _ base: UnsafeRawPointer) -> Bool {
        kind == .date ? DateTimeText.dateIsOutsideStarRocks(base.bigEndianInt32(at: 0))
            : DateTimeText.timestampIsOutsideStarRocks(base.bigEndianInt64(at: 0))
    }
}
