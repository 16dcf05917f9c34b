internal import Synchronization
internal import Folio
public import Hummingbird

/// Who is calling: the tenant behind the API key.
public struct Principal: Sendable, Hashable {
    public var tenant: String
    public var keyID: String
    public var isAdmin: Bool
}

/// The request context: Hummingbird's core plus the request id and the caller.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `x-request-id`: the client's when it sent a sane one, otherwise made here.
    public var requestID = ""
    /// What handlers learn for the log line and headers: the tenant and the class the request ran in.
    public let notes = RequestNotes()

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// JSON bodies are collected up to this; uploads stream and have their own limit.
    public var maxUploadSize: Int { 32 << 20 }
}

/// Lets a handler tell the middleware (which made the context: contexts are values) who called and
/// in which class the request ran (`x-folio-service-tier`).
public final class RequestNotes: Sendable {
    private let values = Mutex<(tenant: String?, tier: String?)>((nil, nil))
    public init() {}
    public var tenant: String? {
        get { values.withLock { $0.tenant } }
        set { values.withLock { $0.tenant = newValue } }
    }
    public var tier: String? {
        get { values.withLock { $0.tier } }
        set { values.withLock { $0.tier = newValue } }
    }
}
