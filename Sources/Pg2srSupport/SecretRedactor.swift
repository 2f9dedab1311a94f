// The one place secrets are masked: every text pg2sr prints, logs or records passes through it.
import Synchronization

/// Secrets (passwords, key material) registered as they are learnt; `redact` masks each one
/// wherever it occurs, longest first (so a secret containing another is masked whole).
public final class SecretRedactor: Sendable {
    public static let mask = "*****"
    private let secrets = Mutex<[String]>([])

    public init() {}

    /// Registers a value that must never be shown (empty values are ignored).
    public func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        secrets.withLock { list in
            guard !list.contains(secret) else { return }
            list.append(secret)
            list.sort { $0.count > $1.count }
        }
    }

    public func redact(_ text: String) -> String {
        secrets.withLock { list in
            list.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mask) }
        }
    }

    /// Whether a configuration key (a librdkafka property, say) holds a secret.
    public static func isSecretKey(_ key: String) -> Bool {
        let key = key.lowercased()
        return ["password", "secret", "jaas", "ssl.key.pem", "ssl_key", "oauthbearer.config", "keystore"].contains { key.contains($0) }
    }
}
