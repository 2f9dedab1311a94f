import Foundation
import Synchronization

/// Set once (interrupt, fatal error); read by every worker between rows.
public final class CancellationFlag: Sendable {
    /// 0 = not set, -1 = a fatal error, > 0 = the signal that interrupted the run.
    private let reason = Atomic<Int32>(0)
    public init() {}
    public var isSet: Bool { reason.load(ordering: .relaxed) != 0 }
    /// The signal that interrupted the run, if a signal did.
    public var signal: Int32? {
        let value = reason.load(ordering: .relaxed)
        return value > 0 ? value : nil
    }
    /// Stops the run because of a fatal error (a signal already recorded wins).
    public func set() { _ = reason.compareExchange(expected: 0, desired: -1, ordering: .relaxed) }
    public func set(signal: Int32) { _ = reason.compareExchange(expected: 0, desired: signal, ordering: .relaxed) }
}

/// One byte budget shared by all workers (`--max-rate`): a token bucket that makes the
/// caller's thread sleep, which stalls its upload and so its COPY.
public final class RateLimiter: Sendable {
    private struct State { var available: Double; var last: Double }
    private let bytesPerSecond: Double
    private let state: Mutex<State>

    public init(bytesPerSecond: Double) {
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

/// Runs `body` on `count` dedicated threads (never Swift's cooperative pool: every call
/// below blocks in C) and waits for all of them.
func runOnThreads(count: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.name = "\(name)-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}
