// A row key as framed bytes, compared byte for byte.

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
