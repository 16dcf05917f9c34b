internal import Metrics
internal import Prometheus

/// The gateway's metrics, in a Prometheus registry of its own that `/metrics` renders.
///
/// `folio serve` also bootstraps swift-metrics with a factory on this registry, so the engine's pool
/// metrics (queue depth, waits, rejections) appear on the same page. An embedder that bootstraps its
/// own backend still gets the gateway's metrics here.
final class GatewayMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
    }

    /// One finished request.
    func record(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "folio_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "folio_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(
                Int64(duration.components.seconds) * 1_000_000_000
                    + duration.components.attoseconds / 1_000_000_000)
    }

    func uploaded(bytes: Int64) {
        Counter(label: "folio_uploaded_bytes_total", factory: factory).increment(by: Int(bytes))
    }

    func rejected(type: String) {
        Counter(label: "folio_rejections_total", dimensions: [("type", type)], factory: factory).increment()
    }

    func render() -> [UInt8] { registry.emitToBuffer() }
}
