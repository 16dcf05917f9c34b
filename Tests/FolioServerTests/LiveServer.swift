import FolioTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `folio serve` process on loopback, on a data directory that outlives it (restart tests).
final class LiveServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: String
    private let output: Pipe

    static var binary: URL {
        get throws { try #require(BuiltProducts.executable(named: "folio"), "swift test builds folio") }
    }

    /// Starts the server and waits for its "listening on" line (at most 30 s).
    static func start(directory: String, arguments: [String] = []) throws -> LiveServer {
        let process = Process()
        process.executableURL = try binary
        process.arguments = ["serve", "--port", "0", "--data", directory, "--workers", "2"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == 0x0A { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: ":").last.flatMap({ Int($0) }), text.contains("listening on") else {
            process.terminate()
            throw LiveServerError(message: "the server did not start: \(text)")
        }
        return LiveServer(process: process, port: port, directory: directory, output: output)
    }

    private init(process: Process, port: Int, directory: String, output: Pipe) {
        self.process = process
        self.port = port
        self.directory = directory
        self.output = output
    }

    /// `folio keys create` on the data directory (the server may be running).
    static func makeKey(directory: String, tenant: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = try binary
        process.arguments = ["keys", "create", "--data", directory, "--tenant", tenant] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let key = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(process.terminationStatus == 0 && key.hasPrefix("sk-"))
        return key
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit (at most `seconds`); its exit status, or nil if it is still running.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func stop() {
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct LiveServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A blocking HTTP/1.1 client on one TCP connection: requests go one after another over it
/// (keep-alive), so a test knows exactly which connection carried what.
final class RawConnection {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw LiveServerError(message: "connect failed: errno \(errno)")
        }
    }

    deinit { close(socket) }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw LiveServerError(message: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends a request head (and body, unless `bodyFollows`), then reads the response unless told not to.
    func request(
        _ method: String, _ path: String, key: String? = nil, headers: [String: String] = [:], body: [UInt8] = [],
        contentLength: Int? = nil
    ) throws -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(contentLength ?? body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    func roundTrip(
        _ method: String, _ path: String, key: String? = nil, headers: [String: String] = [:], body: [UInt8] = []
    ) throws -> Response {
        try send(request(method, path, key: key, headers: headers, body: body))
        return try readResponse()
    }

    private var pending: [UInt8] = []

    func readResponse() throws -> Response {
        func fill() throws {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw LiveServerError(message: "the connection closed (errno \(errno))") }
            pending += buffer[0..<count]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if pending.count >= 4 {
                headEnd = (0...(pending.count - 4)).first { Array(pending[$0..<($0 + 4)]) == separator }
            }
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        pending.removeFirst(headEnd! + 4)
        while pending.count < length { try fill() }
        let body = Array(pending[0..<length])
        pending.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }
}

/// A multipart upload body for the raw client.
func multipartBody(_ file: [UInt8], filename: String, boundary: String = "folio-live-boundary") -> [UInt8] {
    var body = Array(
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfile-extract\r\n".utf8)
    body += Array(
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n\r\n".utf8)
    body += file
    body += Array("\r\n--\(boundary)--\r\n".utf8)
    return body
}
