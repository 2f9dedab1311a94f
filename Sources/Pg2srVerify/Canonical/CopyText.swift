// Fields of one row of COPY's text format: tab-separated, \N for NULL, backslash escapes.

/// Fields of one row of `COPY ... TO STDOUT` in text format: tab-separated, `\N` = NULL,
/// backslash escapes.
enum CopyText {
    static func fields(_ buffer: UnsafeRawBufferPointer) -> [String?] {
        var end = buffer.count
        if end > 0 && buffer[end - 1] == 0x0A { end -= 1 }
        var fields: [String?] = []
        var current: [UInt8] = []
        var escaped = false
        var isNull = false
        var index = 0
        func finish() {
            fields.append(isNull ? nil : String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
            isNull = false
        }
        while index < end {
            let byte = buffer[index]
            if escaped {
                escaped = false
                switch byte {
                case UInt8(ascii: "N"):
                    if current.isEmpty && (index + 1 == end || buffer[index + 1] == 0x09) { isNull = true } else { current.append(byte) }
                case UInt8(ascii: "b"): current.append(0x08)
                case UInt8(ascii: "f"): current.append(0x0C)
                case UInt8(ascii: "n"): current.append(0x0A)
                case UInt8(ascii: "r"): current.append(0x0D)
                case UInt8(ascii: "t"): current.append(0x09)
                case UInt8(ascii: "v"): current.append(0x0B)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(byte - 48)
                    var digits = 1
                    while digits < 3, index + 1 < end, (48...55).contains(buffer[index + 1]) {
                        index += 1
                        value = value * 8 + Int(buffer[index] - 48)
                        digits += 1
                    }
                    current.append(UInt8(truncatingIfNeeded: value))
                default: current.append(byte)
                }
            } else if byte == 0x5C {
                escaped = true
            } else if byte == 0x09 {
                finish()
            } else {
                current.append(byte)
            }
            index += 1
        }
        finish()
        return fields
    }
}
