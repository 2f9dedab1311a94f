// Small pieces of URL text shared by the HTTP clients (Stream Load, Kafka Connect).
import Foundation

public enum URLText {
    /// `text` percent-encoded as one path segment (or query value): unreserved characters stay.
    public static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    /// `host:port` (or `host`) of a URL, for messages.
    public static func hostPort(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// `scheme://host[:port]` of a URL.
    public static func baseURL(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
    }
}
