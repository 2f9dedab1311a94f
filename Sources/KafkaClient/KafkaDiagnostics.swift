// What librdkafka last complained about, kept for the one-line errors (masked by the caller's redaction).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka

/// librdkafka's last complaints, written from its threads (log) and from rd_kafka_poll (errors).
final class Diagnostics: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let redact: @Sendable (String) -> String
    private var lastMessage: String?
    private(set) var lastCode: Int32 = 0
    private var brokersDown = false

    init(redact: @escaping @Sendable (String) -> String) {
        self.redact = redact
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func record(log message: String) {
        locked { lastMessage = message }
    }

    func record(error code: Int32, reason: String) {
        locked {
            if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue {
                brokersDown = true
                // "1/1 brokers are down" says less than the connect failure before it.
                if lastMessage == nil { lastMessage = reason }
            } else {
                lastMessage = reason
                lastCode = code
            }
        }
    }

    /// After a successful call: what went wrong before is no longer news.
    func reset() {
        locked {
            brokersDown = false
            lastMessage = nil
            lastCode = 0
        }
    }

    var allBrokersDown: Bool { locked { brokersDown } }

    /// ": <last message>" on one line without secrets, or "".
    func lastReason() -> String {
        guard let message = locked({ lastMessage }) else { return "" }
        let line = message.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        return line.isEmpty ? "" : ": " + scrubbed(line)
    }

    func scrubbed(_ text: String) -> String { redact(text) }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
