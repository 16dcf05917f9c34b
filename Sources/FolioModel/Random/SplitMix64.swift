/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seedable generator, so that a seed
/// gives the same sequence on every platform and Swift version — the standard library's generators
/// make no such promise. The one source of repeatable randomness in Folio: generated corpora, the
/// scheduler's simulator, the cache crash test's writer and every random test.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package private(set) var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<count` (multiply-shift; the bias of at most `count / 2^64` is immaterial here).
    package mutating func below(_ count: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// A number in `range`.
    package mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// True `percent` times in a hundred.
    package mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }

    /// One element of a non-empty array.
    package mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// A uniform value in [0, 1).
    package mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
