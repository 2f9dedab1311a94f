// Kafka failures as one line fit for a user, classified by kind.

/// An error from librdkafka or from the Kafka cluster, as one line fit for a user. Never holds
/// the value of a secret configuration property (`sasl.password`, `ssl.key.password`, ...).
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// No broker of the bootstrap list answered within the timeout (refused, unresolvable, silent).
        case brokersUnreachable
        /// The topic (or a requested partition of it) does not exist.
        case topicNotFound
        /// The brokers are up but did not answer within the timeout.
        case timedOut
        /// Anything else: bad configuration, authentication, broker-side errors.
        case other
    }

    public let kind: Kind
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
