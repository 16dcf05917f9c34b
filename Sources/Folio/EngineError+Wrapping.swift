internal import FolioCache
internal import FolioChunking
internal import FolioIndex
internal import FolioIngest
internal import FolioScheduler

extension EngineError {
    /// The engine's error for any error a stage, the cache or the pool threw.
    public static func wrapping(_ error: any Error, documentName: String?) -> EngineError {
        switch error {
        case let error as EngineError:
            return error
        case is CancellationError:
            return EngineError(
                .cancelled, "\(documentName.map { "\($0): " } ?? "")cancelled", documentName: documentName)
        case let error as SchedulerError:
            return wrapping(error, documentName: documentName)
        case let error as IngestError:
            return wrapping(error)
        case let error as CacheError:
            let code: Code = error.code == .invalidConfiguration ? .invalidConfiguration : .cache
            return EngineError(code, error.message, documentName: documentName, underlying: error)
        case let error as IndexError:
            return wrapping(error, documentName: documentName)
        case let error as ChunkingError:
            // A streamed file that cannot be read: the reader's error says whether it was a limit.
            if let ingest = error.underlying as? IngestError { return wrapping(ingest) }
            let code: Code = error.code == .cancelled ? .cancelled : error.code == .input ? .input : .invalidRequest
            return EngineError(code, error.message, documentName: documentName, underlying: error)
        default:
            // Not the caller's fault: nothing in the pipeline throws an error Folio does not know.
            return EngineError(
                .unexpected, "\(documentName.map { "\($0): " } ?? "")unexpected error: \(error)",
                documentName: documentName,
                underlying: error)
        }
    }

    static func wrapping(_ error: SchedulerError, documentName: String?) -> EngineError {
        let prefix = documentName.map { "\($0): " } ?? ""
        switch error.code {
        case .shuttingDown:
            return EngineError(
                .shuttingDown, "\(prefix)the engine is shutting down: \(error.message)", documentName: documentName,
                underlying: error)
        case .rejected:
            let retryAfter = error.rejection?.retryAfter ?? .seconds(1)
            return EngineError(
                .overloaded, "\(prefix)\(error.message)", retryAfter: retryAfter, documentName: documentName,
                underlying: error)
        case .timedOut:
            return EngineError(
                .overloaded, "\(prefix)waited past its service class's limit: \(error.message); retry later",
                retryAfter: .seconds(1), documentName: documentName, underlying: error)
        case .cancelled:
            return EngineError(.cancelled, "\(prefix)\(error.message)", documentName: documentName, underlying: error)
        case .unknownClass:
            return EngineError(
                .invalidRequest, "\(prefix)\(error.message)", documentName: documentName, underlying: error)
        default:
            return EngineError(.unexpected, "\(prefix)\(error.message)", documentName: documentName, underlying: error)
        }
    }

    static func wrapping(_ error: IngestError) -> EngineError {
        let code: Code =
            switch error.code {
            case .limitExceeded: .limit
            // An encrypted PDF or one without a text layer is content Folio cannot read, as an image is.
            case .unsupportedFormat, .encrypted, .noTextLayer: .unsupportedFormat
            case .cancelled: .cancelled
            case .invalidConfiguration: .invalidConfiguration
            default: .input
            }
        return EngineError(code, error.message, documentName: error.path, underlying: error)
    }

    static func wrapping(_ error: IndexError, documentName: String?) -> EngineError {
        let code: Code =
            switch error.code {
            case .tooLarge: .limit
            case .invalidQuery, .invalidConfiguration, .unknownDocument, .encodingMismatch: .invalidRequest
            case .input: .input
            default: .cache
            }
        return EngineError(code, error.message, documentName: documentName, underlying: error)
    }
}
