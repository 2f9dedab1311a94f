/// Small text forms: hex (bytea's `encode(x, 'hex')`, uuid), JSON string escaping
/// (PostgreSQL's escape_json) and `left(text, n)`'s character count.
enum TextForms {
    static let hexDigits: StaticString = "0123456789abcdef"

    /// Two lower-case hex digits per byte; returns 2 × count.
    @inline(__always) static func writeHex(_ bytes: UnsafeRawBufferPointer, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let digits = hexDigits.utf8Start
        var n = 0
        for byte in bytes {
            p[n] = digits[Int(byte >> 4)]
            p[n + 1] = digits[Int(byte & 0xF)]
            n += 2
        }
        return n
    }

    /// uuid_out: 8-4-4-4-12 lower-case hex digits (36 bytes).
    static func writeUUID(_ bytes: UnsafeRawBufferPointer, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let digits = hexDigits.utf8Start
        var n = 0
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                p[n] = UInt8(ascii: "-")
                n += 1
            }
            p[n] = digits[Int(byte >> 4)]
            p[n + 1] = digits[Int(byte & 0xF)]
            n += 2
        }
        return n
    }

    /// Whether escape_json changes anything: a quote, a backslash or a byte below 0x20.
    @inline(__always) static func needsJSONEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
        return false
    }

    /// escape_json: the quoted JSON string; at most 6 × count + 2 bytes.
    static func writeJSONString(_ bytes: UnsafeRawBufferPointer, into output: inout ByteBuffer) {
        let p = output.reserve(6 * bytes.count + 2)
        p[0] = UInt8(ascii: "\"")
        var n = 1
        let digits = hexDigits.utf8Start
        for byte in bytes {
            switch byte {
            case 0x08: n += (p + n).copy("\\b")
            case 0x0C: n += (p + n).copy("\\f")
            case 0x0A: n += (p + n).copy("\\n")
            case 0x0D: n += (p + n).copy("\\r")
            case 0x09: n += (p + n).copy("\\t")
            case UInt8(ascii: "\""): n += (p + n).copy("\\\"")
            case UInt8(ascii: "\\"): n += (p + n).copy("\\\\")
            case ..<0x20:
                n += (p + n).copy("\\u00")
                p[n] = digits[Int(byte >> 4)]
                p[n + 1] = digits[Int(byte & 0xF)]
                n += 2
            default:
                p[n] = byte
                n += 1
            }
        }
        p[n] = UInt8(ascii: "\"")
        output.commit(n + 1)
    }

    /// Byte length of the first `characters` UTF-8 characters (`left(text, n)`).
    static func prefixLength(_ bytes: UnsafeRawBufferPointer, characters: Int) -> Int {
        var seen = 0
        for (index, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            if seen == characters { return index }
            seen += 1
        }
        return bytes.count
    }
}
