// Line-oriented logging to stderr, every line redacted.
import Foundation
import Synchronization

/// Writes `pg2sr: [level: ]message` lines to stderr. Every line passes through the log's
/// `SecretRedactor`, which masks the run's secrets wherever they might have slipped in.
public final class Logger: Sendable {
    public enum Level: Int, Sendable { case debug, info, warning, error }

    private let minimum: Level
    /// The run's secrets; also what records and reports pass through before they are stored.
    public let redactor = SecretRedactor()
    private let output = Mutex(FileHandle.standardError)

    public init(minimum: Level = .info) {
        self.minimum = minimum
    }

    /// Registers a value that must never be printed.
    public func addSecret(_ secret: String) { redactor.add(secret) }

    public func redact(_ text: String) -> String { redactor.redact(text) }

    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }

    /// Writes a line as is (after redaction), for progress and summaries.
    public func raw(_ text: String) {
        let data = Data(redact(text).utf8)
        output.withLock { $0.write(data) }
    }

    private func log(_ level: Level, _ message: String) {
        guard level.rawValue >= minimum.rawValue else { return }
        let prefix: String
        switch level {
        case .debug: prefix = "debug: "
        case .info: prefix = ""
        case .warning: prefix = "warning: "
        case .error: prefix = "error: "
        }
        raw("pg2sr: \(prefix)\(message)\n")
    }
}
