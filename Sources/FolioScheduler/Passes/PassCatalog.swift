/// A pass that can be bought: "priority at peak hours" for a duration.
public struct PassProduct: Hashable, Sendable {
    public var id: String
    /// Price in minor units of ``currency`` (fen for CNY: 520 is 5.20 CNY).
    public var priceMinorUnits: Int
    public var currency: String
    public var durationMilliseconds: Int64

    public init(id: String, priceMinorUnits: Int, currency: String, durationMilliseconds: Int64) {
        self.id = id
        self.priceMinorUnits = priceMinorUnits
        self.currency = currency
        self.durationMilliseconds = durationMilliseconds
    }

    public static func days(_ days: Int64) -> Int64 { days * 86_400_000 }
}

/// The passes on sale. ``standard`` is Kimi's published catalog.
public struct PassCatalog: Sendable {
    public var products: [PassProduct]

    /// - Throws: ``SchedulerError/Code/invalidConfiguration`` for a duplicate id, a negative price
    ///   or a non-positive duration.
    public init(products: [PassProduct]) throws(SchedulerError) {
        var seen = Set<String>()
        for product in products {
            guard seen.insert(product.id).inserted else {
                throw SchedulerError(.invalidConfiguration, "pass \"\(product.id)\" is in the catalog twice")
            }
            guard product.priceMinorUnits >= 0, product.durationMilliseconds > 0 else {
                throw SchedulerError(
                    .invalidConfiguration, "pass \"\(product.id)\" needs a price ≥ 0 and a positive duration")
            }
            guard !product.id.isEmpty, !product.id.contains(where: { $0 == "\t" || $0 == "\n" }) else {
                throw SchedulerError(.invalidConfiguration, "a pass id must be non-empty, without tabs or newlines")
            }
        }
        self.products = products
    }

    /// 5.20 CNY for 4 days, 99 CNY for 93 days, 399 CNY for 365 days.
    public static let standard = try! PassCatalog(products: [
        PassProduct(id: "peak-4d", priceMinorUnits: 520, currency: "CNY", durationMilliseconds: PassProduct.days(4)),
        PassProduct(
            id: "peak-93d", priceMinorUnits: 9_900, currency: "CNY", durationMilliseconds: PassProduct.days(93)),
        PassProduct(
            id: "peak-365d", priceMinorUnits: 39_900, currency: "CNY", durationMilliseconds: PassProduct.days(365)),
    ])

    public func product(id: String) -> PassProduct? { products.first { $0.id == id } }
}
