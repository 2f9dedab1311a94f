/// An array in its send format (int32 ndim, int32 has-nulls flag, element type oid, then per
/// dimension int32 length and lower bound, then each element as int32 length or -1 and its
/// bytes), validated once, then walked.
struct ArrayValue {
    static let maxDimensions = 6

    let dimensions: Int
    private let header: UnsafeRawPointer
    let elements: UnsafeRawBufferPointer
    let count: Int

    init(_ value: UnsafeRawBufferPointer) throws(BinaryCopyError) {
        guard value.count >= 12, let base = value.baseAddress else { throw .malformed("array value of \(value.count) bytes, expected at least 12") }
        let ndim = Int(base.bigEndianInt32(at: 0))
        guard (0...Self.maxDimensions).contains(ndim) else { throw .malformed("array with \(ndim) dimensions") }
        guard value.count >= 12 + 8 * ndim else { throw .malformed("array of \(ndim) dimensions in \(value.count) bytes") }
        dimensions = ndim
        header = base
        var total = ndim == 0 ? 0 : 1
        for d in 0..<ndim {
            let length = Int(base.bigEndianInt32(at: 12 + 8 * d))
            guard length >= 0 else { throw .malformed("array dimension of length \(length)") }
            total = total.multipliedReportingOverflow(by: length).partialValue
        }
        count = total
        elements = UnsafeRawBufferPointer(rebasing: value[(12 + 8 * ndim)...])
        // Every element must be there, and nothing after them.
        var offset = 0
        for _ in 0..<total {
            guard offset + 4 <= elements.count else { throw .malformed("array ends inside its elements") }
            let length = Int(elements.baseAddress!.bigEndianInt32(at: offset))
            guard length >= -1 else { throw .malformed("array element of length \(length)") }
            offset += 4 + max(length, 0)
            guard offset <= elements.count else { throw .malformed("array ends inside an element") }
        }
        guard offset == elements.count else { throw .malformed("array has \(elements.count - offset) bytes after its \(total) elements") }
    }

    func dimension(_ index: Int) -> (length: Int, lowerBound: Int32) {
        (Int(header.bigEndianInt32(at: 12 + 8 * index)), header.bigEndianInt32(at: 16 + 8 * index))
    }

    /// The elements in storage order (row-major); nil for NULL.
    var elementSequence: Elements { Elements(base: elements.baseAddress, remaining: count) }

    struct Elements: Sequence, IteratorProtocol {
        let base: UnsafeRawPointer?
        var remaining: Int
        var offset = 0

        init(base: UnsafeRawPointer?, remaining: Int) {
            self.base = base
            self.remaining = base == nil ? 0 : remaining
        }

        @inline(__always) mutating func next() -> UnsafeRawBufferPointer?? {
            guard remaining > 0, let base else { return nil }
            remaining -= 1
            let length = Int(base.bigEndianInt32(at: offset))
            offset += 4
            guard length >= 0 else { return .some(nil) }
            defer { offset += length }
            return UnsafeRawBufferPointer(start: base + offset, count: length)
        }
    }

    /// array_out: `{a,"b c",NULL}`, nested braces per dimension, `[lb:ub]=` prefixes when a lower
    /// bound is not 1; elements quoted (with `"` and `\` escaped) when empty, `NULL` in any case, or
    /// holding braces, the delimiter, a quote, a backslash or white space.
    func writePostgresText(kind: ColumnEncoding.Kind, into out: inout ByteBuffer, scratch: inout ByteBuffer) throws(BinaryCopyError) {
        if dimensions == 0 {
            out.append("{}")
            return
        }
        if (0..<dimensions).contains(where: { dimension($0).lowerBound != 1 }) {
            for d in 0..<dimensions {
                let (length, lower) = dimension(d)
                let upper = Int64(lower) + Int64(length) - 1
                out.append(UInt8(ascii: "["))
                out.commit(DecimalDigits.write(signed: Int64(lower), to: out.reserve(20)))
                out.append(UInt8(ascii: ":"))
                out.commit(DecimalDigits.write(signed: upper, to: out.reserve(20)))
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "="))
        }
        var lengths = [Int](repeating: 0, count: dimensions)
        for d in 0..<dimensions { lengths[d] = dimension(d).length }
        var position = [Int](repeating: 0, count: dimensions)
        for _ in 0..<dimensions { out.append(UInt8(ascii: "{")) }
        for element in elementSequence {
            if let element {
                scratch.removeAll()
                try BinaryValue.writePostgresText(kind, element, into: &scratch)
                Self.writeArrayElement(scratch.bytes, into: &out)
            } else {
                out.append("NULL")
            }
            // Close finished dimensions, then the delimiter and the braces they reopen.
            var d = dimensions - 1
            while d >= 0 {
                position[d] += 1
                if position[d] < lengths[d] { break }
                position[d] = 0
                out.append(UInt8(ascii: "}"))
                d -= 1
            }
            if d >= 0 {
                out.append(UInt8(ascii: ","))
                for _ in (d + 1)..<dimensions { out.append(UInt8(ascii: "{")) }
            }
        }
    }

    private static func writeArrayElement(_ text: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        var quote = text.isEmpty || (text.count == 4 && String(decoding: text, as: UTF8.self).lowercased() == "null")
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","),
                 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                quote = true
            default: break
            }
        }
        guard quote else {
            out.append(text)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
