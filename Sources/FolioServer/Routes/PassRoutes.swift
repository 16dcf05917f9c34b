internal import Foundation
internal import Folio
internal import Hummingbird

/// Passes: an admin grants one of the catalog's passes to a tenant (or revokes it); every caller
/// can see its own and whether it is peak now.
extension Gateway {
    func addPassRoutes(to router: Router<GatewayContext>) {
        router.post("/v1/folio/passes") { request, context in
            _ = try await self.admin(request, context)
            var request = request
            let body = try await request.jsonObject(limit: 64 << 10)
            guard let tenant = body["tenant"]?.stringValue, !tenant.isEmpty else {
                throw APIError.invalidRequest("tenant is required", param: "tenant")
            }
            guard let productID = body["pass"]?.stringValue else {
                throw APIError.invalidRequest("pass is required (peak-4d, peak-93d, peak-365d)", param: "pass")
            }
            let pass = try await Self.grantPass(productID, to: tenant, store: self.store)
            return Response.json(Self.object(of: pass))
        }
        router.get("/v1/folio/passes") { request, context in
            _ = try await self.admin(request, context)
            let tenant = request.uri.queryParameters["tenant"].map(String.init)
            let passes = try await self.store.passes(tenant: tenant)
            return Response.json(["object": "list", "data": .array(passes.map(Self.object))])
        }
        router.delete("/v1/folio/passes/{id}") { request, context in
            _ = try await self.admin(request, context)
            let id = try context.parameters.require("id")
            guard try await self.store.revokePass(id: id, atMilliseconds: Self.nowMilliseconds()) else {
                throw APIError.notFound("pass \(id) not found or already revoked", param: "id")
            }
            return Response.json(["id": .string(id), "object": "folio.pass", "revoked": true])
        }
        router.get("/v1/folio/passes/current") { request, context in
            let principal = try await self.caller(request, context)
            let now = Self.nowMilliseconds()
            let active = try await self.store.passes(tenant: principal.tenant).filter {
                $0.isActive(atMilliseconds: now)
            }
            .max { $0.expiresAtMilliseconds < $1.expiresAtMilliseconds }
            return Response.json([
                "object": "folio.pass_status", "tenant": .string(principal.tenant),
                "pass": active.map(Self.object) ?? .null,
                "service_class": .string(active == nil ? "standard" : "priority"),
                "peak": .bool(self.engine.statistics.pool.isPeak),
            ])
        }
    }

    /// Records a pass from the standard catalog (5.20 CNY / 4 days, 99 CNY / 93 days, 399 CNY / 365 days).
    public static func grantPass(_ productID: String, to tenant: String, store: any MetadataStore) async throws
        -> PassRecord
    {
        guard let product = PassCatalog.standard.product(id: productID) else {
            throw APIError.invalidRequest(
                "unknown pass \(productID): one of \(PassCatalog.standard.products.map(\.id).joined(separator: ", "))",
                param: "pass")
        }
        let now = nowMilliseconds()
        let pass = PassRecord(
            id: Identifiers.make("pass-"), tenant: tenant, productID: product.id,
            priceMinorUnits: product.priceMinorUnits, currency: product.currency, grantedAtMilliseconds: now,
            expiresAtMilliseconds: now + product.durationMilliseconds)
        try await store.insertPass(pass)
        return pass
    }

    static func object(of pass: PassRecord) -> JSONValue {
        [
            "id": .string(pass.id), "object": "folio.pass", "tenant": .string(pass.tenant),
            "pass": .string(pass.productID), "price": .int(pass.priceMinorUnits), "currency": .string(pass.currency),
            "granted_at": .int(Int(pass.grantedAtMilliseconds / 1_000)),
            "expires_at": .int(Int(pass.expiresAtMilliseconds / 1_000)),
            "revoked": .bool(pass.revokedAtMilliseconds != nil),
        ]
    }
}
