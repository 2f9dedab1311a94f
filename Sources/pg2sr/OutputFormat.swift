// `--output text|json` and `--progress`, and printing a report as JSON.
import ArgumentParser
import Foundation
import Pg2srPipeline

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension ProgressMode: ExpressibleByArgument {}

/// `value` as pretty, key-sorted JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
}
