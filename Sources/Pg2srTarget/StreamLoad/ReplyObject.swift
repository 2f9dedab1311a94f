// Reads the JSON object StarRocks answers HTTP load calls with, whatever the key spellings.
import Foundation
import Pg2srSupport

/// A StarRocks HTTP reply: `Status`/`status`, `Message`/`message`/`msg`, counters as numbers or text.
struct ReplyObject {
    private let object: [String: Any]

    /// `what` names the call in the error when the reply is not a JSON object.
    init(json: [UInt8], what: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            let text = String(decoding: json.prefix(200), as: UTF8.self)
            throw Pg2srError.target("\(what) answered with something that is not a JSON object: \(text)")
        }
        self.object = object
    }

    var status: String { string("Status") ?? string("status") ?? "" }
    var message: String { string("Message") ?? string("message") ?? string("msg") ?? "" }

    func string(_ key: String) -> String? { object[key] as? String }

    func int(_ key: String) -> Int64 { (object[key] as? NSNumber)?.int64Value ?? Int64(object[key] as? String ?? "") ?? 0 }
}
