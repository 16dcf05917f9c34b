public import Folio
public import HTTPTypes
public import Hummingbird
internal import NIOCore
internal import Foundation

/// An error a client sees: an HTTP status and Moonshot's envelope,
/// `{"error":{"type","message","param","code"}}`, plus the retry headers OpenAI's clients obey.
///
/// `type` names the class of failure as Moonshot does (`invalid_request_error`,
/// `invalid_authentication_error`, `resource_not_found_error`, `rate_limit_reached_error`,
/// `engine_overloaded_error`, `server_error`…); `code` is Folio's finer reason where one helps.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var type: String
    public var message: String
    public var param: String?
    public var code: String?
    /// When to come back, for 429 and 503: `Retry-After` (whole seconds, 1–60) and `retry-after-ms`.
    public var retryAfter: Duration?
    /// Whether retrying the same request can succeed (`x-should-retry`); nil leaves it to the client.
    public var shouldRetry: Bool?

    public init(
        _ status: HTTPResponse.Status, type: String, _ message: String, param: String? = nil, code: String? = nil,
        retryAfter: Duration? = nil, shouldRetry: Bool? = nil
    ) {
        self.status = status
        self.type = type
        self.message = message
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry
    }

    // MARK: The common ones

    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, type: "invalid_request_error", message, param: param, code: code, shouldRetry: false)
    }

    public static func notFound(_ message: String, param: String? = nil) -> APIError {
        APIError(.notFound, type: "resource_not_found_error", message, param: param, shouldRetry: false)
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, type: "invalid_authentication_error", message, shouldRetry: false)
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, type: "permission_denied_error", message, shouldRetry: false)
    }

    public static func tooLarge(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(
            .contentTooLarge, type: "invalid_request_error", message, param: param, code: code, shouldRetry: false)
    }

    /// The pool did not admit the work: come back after `retryAfter` (clamped to 1–60 s).
    public static func overloaded(_ message: String, retryAfter: Duration?) -> APIError {
        APIError(
            .tooManyRequests, type: "engine_overloaded_error", message, code: "engine_overloaded",
            retryAfter: retryAfter ?? .seconds(1), shouldRetry: true)
    }

    /// The tenant's own request rate.
    public static func rateLimited(retryAfter: Duration) -> APIError {
        let seconds = APIError.retryAfterSeconds(retryAfter)
        return APIError(
            .tooManyRequests, type: "rate_limit_reached_error",
            "Your account reached its request rate limit, please try again after \(seconds) seconds",
            code: "rate_limit_reached", retryAfter: retryAfter, shouldRetry: true)
    }

    public static func draining(retryAfter: Duration) -> APIError {
        APIError(
            .serviceUnavailable, type: "server_unavailable_error",
            "the server is shutting down; retry on another node or after it restarts", code: "shutting_down",
            retryAfter: retryAfter, shouldRetry: true)
    }

    /// A part the gateway needs (its metadata database) is down: retry after `retryAfter`.
    public static func unavailable(_ message: String, retryAfter: Duration) -> APIError {
        APIError(
            .serviceUnavailable, type: "server_unavailable_error", message, code: "database_unavailable",
            retryAfter: retryAfter, shouldRetry: true)
    }

    public static func server(_ message: String, code: String? = nil) -> APIError {
        APIError(.internalServerError, type: "server_error", message, code: code)
    }

    /// `Retry-After` in whole seconds: rounded up, at least 1 and at most 60.
    public static func retryAfterSeconds(_ duration: Duration) -> Int {
        let milliseconds = retryAfterMilliseconds(duration)
        return min(60, max(1, (milliseconds + 999) / 1_000))
    }

    /// Whole milliseconds of a duration (rounded down).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }

    /// `retry-after-ms`: at least 1 ms and at most 60 s, so both headers agree on the bound.
    public static func retryAfterMilliseconds(_ duration: Duration) -> Int {
        min(60_000, max(1, milliseconds(duration)))
    }

    // MARK: Response

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfter {
            // The OpenAI clients read retry-after-ms first, then Retry-After; both say the same wait.
            headers[.retryAfter] = String(Self.retryAfterSeconds(retryAfter))
            headers[HTTPField.Name.retryAfterMilliseconds] = String(Self.retryAfterMilliseconds(retryAfter))
        }
        if let shouldRetry {
            headers[HTTPField.Name.shouldRetry] = shouldRetry ? "true" : "false"
        }
        let body = JSONValue.object([
            "error": .object([
                "type": .string(type),
                "message": .string(message),
                "param": param.map(JSONValue.string) ?? .null,
                "code": code.map(JSONValue.string) ?? .null,
            ])
        ])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.encoded())))
    }
}

extension HTTPField.Name {
    static let retryAfterMilliseconds = HTTPField.Name("retry-after-ms")!
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    static let requestID = HTTPField.Name("x-request-id")!
    static let serviceTier = HTTPField.Name("x-folio-service-tier")!
    static let serverTiming = HTTPField.Name("server-timing")!
}

extension APIError {
    /// The engine's error as a client should see it (the table in the Folio catalog, "Errors and
    /// HTTP statuses"): the caller's fault is 4xx, busy is 429 with the scheduler's wait, a stopping
    /// engine 503, Folio's own fault 500. Server paths in messages are replaced by the names the
    /// client knows (`names`: path → what to say instead).
    public init(_ error: EngineError, names: [String: String] = [:]) {
        var message = error.message
        for (path, name) in names { message = message.replacingOccurrences(of: path, with: name) }
        switch error.code {
        case .input:
            self = APIError(
                .unprocessableContent, type: "invalid_request_error", message, code: "unreadable_document",
                shouldRetry: false)
        case .unsupportedFormat:
            self = APIError(
                .unsupportedMediaType, type: "invalid_request_error", message, code: "unsupported_format",
                shouldRetry: false)
        case .limit:
            self = .tooLarge(message, code: "limit_exceeded")
        case .invalidRequest:
            self = .invalidRequest(message)
        case .overloaded:
            self = .overloaded(message, retryAfter: error.retryAfter)
        case .shuttingDown:
            self = .draining(retryAfter: .seconds(5))
        case .cancelled:
            self = APIError(
                HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), type: "request_cancelled",
                message, shouldRetry: false)
        default:
            self = .server(message, code: error.code.description)
        }
    }
}
