// `--retries`, `--retry-max-wait`: exponential backoff with full jitter.
import Foundation

/// Exponential backoff with full jitter (`--retries`, `--retry-max-wait`).
public struct RetryPolicy: Sendable {
    public var maxRetries = 5
    public var baseDelay = 0.5
    public var maxDelay = 30.0
    public init() {}

    /// Delay before retry number `attempt` (1-based).
    func delay(forAttempt attempt: Int) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return Double.random(in: (ceiling / 2)...max(ceiling, ceiling / 2 + 0.001))
    }
}
