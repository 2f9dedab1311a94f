// `--metrics-addr`: a tiny HTTP server on a dedicated thread that answers every request with the metrics.
import Foundation
import Pg2srSupport
#if canImport(Glibc)
import Glibc
#endif

/// `--metrics-addr HOST:PORT`: serves the run's progress in the Prometheus text format on a
/// dedicated thread (plain POSIX sockets; one short request at a time is all a scraper needs).
final class MetricsServer: @unchecked Sendable {
    private let socketFD: Int32
    private let render: @Sendable () -> String
    let port: Int

    /// Binds `address` (`host:port`, port 0 = any free one) and starts serving.
    init(address: String, render: @escaping @Sendable () -> String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw Pg2srError.usage("--metrics-addr '\(address)' is not host:port")
        }
        let host = String(address[..<colon])
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Pg2srError.usage("--metrics-addr: cannot create a socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host.isEmpty ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
            close(fd)
            throw Pg2srError.usage("--metrics-addr: '\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw Pg2srError.usage("--metrics-addr: cannot listen on \(address): \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        socketFD = fd
        self.render = render
        let thread = Thread { [self] in serve() }
        thread.name = "pg2sr-metrics"
        thread.start()
    }

    /// Stops accepting (the serving thread ends on the closed socket).
    func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private func serve() {
        while true {
            let client = accept(socketFD, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = read(client, &buffer, buffer.count) // the request line; every path answers the metrics
            let body = render()
            let response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            _ = response.withCString { write(client, $0, strlen($0)) }
            close(client)
        }
    }
}
