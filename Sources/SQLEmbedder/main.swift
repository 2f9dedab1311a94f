// The generator the EmbedSQL plugin runs: sql/*.sql into one Swift dictionary.
import Foundation

// Usage: SQLEmbedder <sql-root> <output.swift> <file.sql>...
// Writes `EmbeddedSQL.files`, keyed by the path below <sql-root> without the extension.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: SQLEmbedder <sql-root> <output.swift> <file.sql>...\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path + "/"
var source = "// Generated from sql/ by SQLEmbedder. Do not edit.\nenum EmbeddedSQL {\n    static let files: [String: String] = [\n"
for path in arguments.dropFirst(3) {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let text = try String(contentsOf: url, encoding: .utf8)
    var key = url.path.hasPrefix(root) ? String(url.path.dropFirst(root.count)) : url.lastPathComponent
    if key.hasSuffix(".sql") { key.removeLast(4) }
    // Raw string delimiters longer than any run of '#' in the text keep it verbatim.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    source += "        \"\(key)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"
try source.write(toFile: arguments[2], atomically: true, encoding: .utf8)
