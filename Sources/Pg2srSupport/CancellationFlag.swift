// The run-wide stop flag that interrupts and fatal errors set and every worker reads.
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
