import Dispatch
import Foundation
import Pg2srCore

/// SIGINT/SIGTERM set the run's cancellation flag (workers stop between rows and abort their
/// loads); the signal number decides the exit code (130/143).
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private(set) var received: Int32 = 0

    init(cancellation: CancellationFlag, log: Logger) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self, self.received == 0 else { return }
                self.received = signalNumber
                log.warning("signal \(signalNumber): stopping; in-flight loads are aborted (StarRocks rolls them back)")
                cancellation.set(signal: signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
