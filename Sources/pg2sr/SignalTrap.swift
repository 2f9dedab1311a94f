// SIGINT/SIGTERM: stop the run cleanly the first time, at once the second.
import Dispatch
import Foundation
import Pg2srSupport

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
                guard let self else { return }
                guard self.received == 0 else {
                    // A second signal: stop now (open loads die with the connections; StarRocks rolls them back).
                    log.warning("signal \(signalNumber) again: exiting at once")
                    _exit(128 + signalNumber)
                }
                self.received = signalNumber
                log.warning("signal \(signalNumber): stopping; in-flight loads are aborted (StarRocks rolls them back)")
                cancellation.set(signal: signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
