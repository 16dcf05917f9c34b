internal import Foundation
internal import Hummingbird
internal import NIOCore

/// `/healthz` (the process answers), `/readyz` (it takes work: 503 while draining), `/metrics`.
extension Gateway {
    func addHealthRoutes(to router: Router<GatewayContext>) {
        router.get("/healthz") { _, _ in Response.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            if self.isDraining {
                throw APIError.draining(retryAfter: .seconds(5))
            }
            if let fleet = self.fleet, !fleet.databaseIsUp {
                throw APIError.unavailable("the metadata database does not answer", retryAfter: .seconds(2))
            }
            return Response.json(["status": "ready"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.render())))
        }
    }
}
