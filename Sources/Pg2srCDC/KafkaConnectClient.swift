// The Kafka Connect REST API: register a connector and wait until it and its task run.
import CurlClient
import Foundation
import Pg2srSupport

/// The Kafka Connect REST API: register a connector and wait until it and its task run.
public struct KafkaConnectClient {
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// `PUT /connectors/{name}/config`: creates the connector or updates it (idempotent).
    public func register(_ config: DebeziumConfig) throws {
        let body = Dictionary(config.properties, uniquingKeysWith: { _, last in last })
        let data = try JSONSerialization.data(withJSONObject: body)
        var request = HTTPRequest(method: "PUT", url: "\(baseURL)/connectors/\(URLText.pathComponent(config.name))/config",
                                  headers: [(name: "Content-Type", value: "application/json")], body: .bytes(Array(data)))
        request.totalTimeoutSeconds = 60
        let response = try perform(request)
        guard response.status == 200 || response.status == 201 else {
            throw Pg2srError.cdc("Kafka Connect refused connector \(config.name) (HTTP \(response.status)): \(Self.message(response))")
        }
    }

    /// Waits until the connector and its first task are RUNNING; a FAILED one is an error with its trace's first line.
    public func waitRunning(_ name: String, timeoutSeconds: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last = "no status yet"
        while Date() < deadline {
            var request = HTTPRequest(method: "GET", url: "\(baseURL)/connectors/\(URLText.pathComponent(name))/status")
            request.totalTimeoutSeconds = 10
            let response = try perform(request)
            if response.status == 200, let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] {
                let connector = (object["connector"] as? [String: Any])?["state"] as? String ?? "?"
                let tasks = object["tasks"] as? [[String: Any]] ?? []
                if let failed = ([object["connector"] as? [String: Any]].compactMap { $0 } + tasks).first(where: { $0["state"] as? String == "FAILED" }) {
                    let trace = (failed["trace"] as? String ?? "").split(separator: "\n").first.map(String.init) ?? "no trace"
                    throw Pg2srError.cdc("connector \(name) FAILED: \(trace)")
                }
                if connector == "RUNNING", let task = tasks.first, task["state"] as? String == "RUNNING" { return }
                last = "connector \(connector), task \(tasks.first?["state"] as? String ?? "not started")"
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw Pg2srError.cdc("connector \(name) did not reach RUNNING within \(Int(timeoutSeconds))s (\(last))")
    }

    private func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        do { return try HTTPSession().perform(request) } catch let error as HTTPError {
            throw Pg2srError.cdc("cannot reach Kafka Connect at \(baseURL): \(error.message)")
        }
    }

    private static func message(_ response: HTTPResponse) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], let message = object["message"] as? String {
            return message.split(separator: "\n").first.map(String.init) ?? message
        }
        return String(response.bodyText.prefix(300))
    }
}
