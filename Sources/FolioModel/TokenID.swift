/// The id of one token in a BPE encoding: its rank for ordinary tokens, its assigned id for special ones.
///
/// Ids are distinct from plain integers so a token count, an offset and an id never mix.
public struct TokenID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (lhs: TokenID, rhs: TokenID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

extension TokenID: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt32) { self.rawValue = value }
}
