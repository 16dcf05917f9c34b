internal import Foundation
internal import Folio
internal import Hummingbird

/// `POST /v1/tokenizers/estimate-token-count` (Moonshot) and `POST /v1/folio/tokenize`.
extension Gateway {
    func addTokenizerRoutes(to router: Router<GatewayContext>) {
        router.post("/v1/tokenizers/estimate-token-count") { request, context in
            let (principal, body) = try await self.jsonCall(request, context)
            let session = try await self.session(
                for: principal, requestedTier: body["service_tier"]?.stringValue, context: context)
            let (tokenizer, _) = try self.tokenizer(model: body["model"], encoding: nil)
            guard let messages = body["messages"]?.arrayValue else {
                throw APIError.invalidRequest("messages must be an array of messages", param: "messages")
            }
            let cost = Double(ModelEncodings.byteCount(of: messages))
            let total = try await self.job(session, cost: cost) {
                try ModelEncodings.count(messages: messages, tokenizer: tokenizer)
            }
            return Response.json(["data": ["total_tokens": .int(total)]])
        }
        router.post("/v1/folio/tokenize") { request, context in
            let (principal, body) = try await self.jsonCall(request, context)
            let session = try await self.session(
                for: principal, requestedTier: body["service_tier"]?.stringValue, context: context)
            let (tokenizer, encoding) = try self.tokenizer(model: body["model"], encoding: body["encoding"])
            guard let text = body["text"]?.stringValue else {
                throw APIError.invalidRequest("text must be a string", param: "text")
            }
            let returnIDs = body["return_tokens"] == .bool(true)
            let (count, ids) = try await self.job(session, cost: Double(text.utf8.count)) {
                if returnIDs {
                    let ids = tokenizer.encode(text)
                    return (ids.count, ids.map { JSONValue.int(Int($0.rawValue)) })
                }
                return (tokenizer.count(text), [JSONValue]())
            }
            var result: [String: JSONValue] = ["encoding": .string(encoding), "token_count": .int(count)]
            if returnIDs { result["tokens"] = .array(ids) }
            return Response.json(.object(result))
        }
    }

    /// The tokenizer for a request's `model` or `encoding` (default: the engine's encoding).
    func tokenizer(model: JSONValue?, encoding: JSONValue?) throws -> (BPETokenizer, String) {
        var name = engine.configuration.encoding
        if let model, !model.isNull {
            guard let model = model.stringValue, !model.isEmpty else {
                throw APIError.invalidRequest("model must be a string", param: "model")
            }
            name = ModelEncodings.encoding(forModel: model)
        }
        if let encoding, !encoding.isNull {
            guard let encoding = encoding.stringValue else {
                throw APIError.invalidRequest("encoding must be a string", param: "encoding")
            }
            name = encoding
        }
        guard let tokenizer = tokenizers[name] else {
            throw APIError.invalidRequest(
                "unknown encoding \(name): use cl100k_base or o200k_base", param: "encoding")
        }
        return (tokenizer, name)
    }
}
