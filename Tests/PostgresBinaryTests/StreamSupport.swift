@testable import PostgresBinary

/// Builds binary COPY streams by hand and renders them.
enum Stream {
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    static func tuple(_ fields: [[UInt8]?]) -> [UInt8] {
        int16(Int16(fields.count)) + fields.flatMap { field in field.map { int32(Int32($0.count)) + $0 } ?? int32(-1) }
    }

    /// Header, rows and trailer as libpq hands them over: the header with the first row.
    static func messages(_ rows: [[[UInt8]?]]) -> [[UInt8]] {
        var messages = rows.map(tuple) + [trailer]
        messages[0] = header + messages[0]
        return messages
    }

    static func columns(_ encodings: [ColumnEncoding]) -> [BinaryCopyColumn] {
        encodings.enumerated().map { BinaryCopyColumn(label: "public.t.c\($0.offset + 1)", encoding: $0.element) }
    }

    /// The CSV for `messages`, after checking the stream ended properly.
    static func render(_ messages: [[UInt8]], _ columns: [BinaryCopyColumn]) throws(BinaryCopyError) -> String {
        var renderer = try BinaryCopyRenderer(columns: columns)
        var output = ByteBuffer()
        for message in messages {
            var outcome: Result<Int, BinaryCopyError> = .success(0)
            message.withUnsafeBytes { bytes in
                do throws(BinaryCopyError) { outcome = .success(try renderer.render(bytes, into: &output)) } catch { outcome = .failure(error) }
            }
            _ = try outcome.get()
        }
        try renderer.finish()
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// One value of one column rendered as its CSV field (without the newline).
    static func field(_ encoding: ColumnEncoding, hex: String) throws(BinaryCopyError) -> String {
        String(try render(messages([[bytes(hex: hex)]]), columns([encoding])).dropLast())
    }

    /// PostgreSQL's output-function text of a value.
    static func postgresText(_ kind: ColumnEncoding.Kind, hex: String) throws -> String {
        var out = ByteBuffer()
        try bytes(hex: hex).withUnsafeBytes { try BinaryValue.writePostgresText(kind, $0, into: &out) }
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
