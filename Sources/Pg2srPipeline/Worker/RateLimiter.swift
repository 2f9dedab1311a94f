// `--max-rate`: one byte budget all workers share.
import Foundation
import Synchronization

/// One byte budget shared by all workers (`--max-rate`): a token bucket that makes the
/// caller's thread sleep, which stalls its upload and so its COPY.
final class RateLimiter: Sendable {
    private struct State { var available: Double; var last: Double }
    private let bytesPerSecond: Double
    private let state: Mutex<State>

    init(bytesPerSecond: Double) {
        self.bytesPerSecond = bytesPerSecond
        state = Mutex(State(available: bytesPerSecond / 10, last: Self.now()))
    }

    func consume(_ bytes: Int) {
        let wait = state.withLock { state -> Double in
            let now = Self.now()
            // Burst of at most 100 ms worth of bytes.
            state.available = min(bytesPerSecond / 10, state.available + (now - state.last) * bytesPerSecond)
            state.last = now
            state.available -= Double(bytes)
            return state.available < 0 ? -state.available / bytesPerSecond : 0
        }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
