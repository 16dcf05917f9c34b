internal import Hummingbird
internal import Foundation
internal import Logging
internal import NIOCore
internal import Synchronization

/// Around every request: the request id, the drain check, the error envelope, one log line, metrics.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let gateway: Gateway

    func handle(
        _ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request)
        let start = ContinuousClock.now
        let path = request.uri.path
        let open = path == "/healthz" || path == "/readyz" || path == "/metrics"
        let admitted = gateway.traffic.withLock { traffic -> Bool in
            if traffic.draining && !open { return false }
            traffic.inFlight += 1
            return true
        }
        var response: Response
        if !admitted {
            response = try APIError.draining(retryAfter: .seconds(5)).response(from: request, context: context)
        } else {
            defer { gateway.traffic.withLock { $0.inFlight -= 1 } }
            do {
                response = try await next(request, context)
            } catch {
                response = try Self.envelope(for: error, request: request, context: context, gateway: gateway)
            }
        }
        response.headers[.requestID] = context.requestID
        if let tier = context.notes.tier { response.headers[.serviceTier] = tier }
        let duration = ContinuousClock.now - start
        let milliseconds = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1e3
        // The time the server spent, for clients and benchmarks (W3C Server-Timing).
        response.headers[.serverTiming] = "app;dur=\(String(format: "%.3f", milliseconds))"
        let route = context.endpointPath ?? "unmatched"
        gateway.metrics.record(
            route: route, method: request.method.rawValue, status: response.status.code, duration: duration)
        gateway.logger.info(
            "\(request.method.rawValue) \(path) \(response.status.code) \(String(format: "%.1f", milliseconds)) ms",
            metadata: [
                "request_id": .string(context.requestID),
                "tenant": .string(context.notes.tenant ?? "-"),
                "tier": .string(context.notes.tier ?? "-"),
            ])
        return response
    }

    /// Any error as the envelope: ours as they are, Hummingbird's by status, the rest as a 500
    /// that is logged (never the error's text: it may hold server paths).
    static func envelope(
        for error: any Error, request: Request, context: GatewayContext, gateway: Gateway
    ) throws -> Response {
        let apiError: APIError
        switch error {
        case let error as APIError:
            apiError = error
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                apiError = .notFound("no such endpoint: \(request.method.rawValue) \(request.uri.path)")
            case .contentTooLarge:
                apiError = .tooLarge("the request body is too large")
            default:
                apiError = APIError(
                    error.status, type: error.status.code >= 500 ? "server_error" : "invalid_request_error",
                    error.body ?? error.status.reasonPhrase)
            }
        case let error as StoreError:
            switch error {
            case .quotaExceeded(let message): apiError = .invalidRequest(message, code: "quota_exceeded")
            case .conflict(let message): apiError = APIError(.conflict, type: "invalid_request_error", message)
            case .unavailable:
                // The heartbeat logs losing the database once; each refusal is the request's own line.
                gateway.logger.debug("\(error)", metadata: ["request_id": .string(context.requestID)])
                gateway.databaseTrouble()
                apiError = .unavailable(
                    "the metadata database is unavailable; retry shortly", retryAfter: .seconds(2))
            case .invalidConfiguration(let message): apiError = .server(message)
            }
        case is DecodingError:
            apiError = .invalidRequest("the request body is not the JSON this endpoint takes")
        case is CancellationError:
            apiError = APIError(
                HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), type: "request_cancelled",
                "the request was cancelled")
        default:
            gateway.logger.error(
                "unexpected error: \(String(reflecting: error))", metadata: ["request_id": .string(context.requestID)])
            apiError = .server("internal error (request \(context.requestID)); it has been logged")
        }
        if apiError.status == .tooManyRequests { gateway.metrics.rejected(type: apiError.type) }
        return try apiError.response(from: request, context: context)
    }

    /// The client's `x-request-id` if it is short and plain, otherwise a new one.
    static func requestID(from request: Request) -> String {
        if let id = request.headers[.requestID], Identifiers.isPlain(id, maxBytes: 128, punctuation: "-_.") {
            return id
        }
        return Identifiers.make("req-")
    }
}

// MARK: Helpers for handlers

extension Request {
    /// The body as JSON (an object), up to `limit` bytes.
    /// - Throws: 413 over the limit, 400 for anything that is not a JSON object.
    mutating func jsonObject(limit: Int) async throws -> [String: JSONValue] {
        var bytes: [UInt8] = []
        for try await buffer in body {
            guard bytes.count + buffer.readableBytes <= limit else {
                throw APIError.tooLarge("the request body is over the limit of \(limit) bytes")
            }
            buffer.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        }
        guard let value = JSONValue.parse(bytes) else {
            throw APIError.invalidRequest("the request body is not valid JSON")
        }
        guard let object = value.objectValue else {
            throw APIError.invalidRequest("the request body is not a JSON object")
        }
        return object
    }
}

extension Response {
    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }
}
