public import FolioModel

/// The hash of one block of a token prefix; it stands for the whole prefix up to and including the
/// block, because it is computed from the previous block's hash and the block's own token ids.
public struct BlockHash: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { String(rawValue, radix: 16) }
}

/// Block-hash chains over token ids, as prompt-prefix (KV) caches key their blocks.
///
/// Method: the chain starts from a seed derived from the cache scope (so two tenants' identical
/// prompts never share a block unless both are ``CacheScope/shared``); block *i*'s hash mixes block
/// *i − 1*'s hash, the block's length and each token id through a 64-bit multiply–xorshift round,
/// then a final avalanche. A last partial block is hashed too (Mooncake's traces count it).
///
/// - Important: Hashes are 64-bit: among a million cached blocks the chance of any collision is
///   about 3 × 10⁻⁸. They are stable across processes and machines (no per-process seed).
public enum BlockHashChain {
    /// Tokens per block, as in Mooncake.
    public static let defaultBlockSize = 512

    /// The hashes of `tokens`' blocks, in order.
    public static func hashes(
        of tokens: some Collection<TokenID>, blockSize: Int = defaultBlockSize, scope: CacheScope = .shared
    ) -> [BlockHash] {
        precondition(blockSize > 0, "a block holds at least one token")
        var result: [BlockHash] = []
        result.reserveCapacity((tokens.count + blockSize - 1) / blockSize)
        var previous = seed(for: scope)
        var state = previous
        var inBlock = 0
        for token in tokens {
            if inBlock == 0 { state = previous ^ 0x9E37_79B9_7F4A_7C15 }
            state = mix(state, UInt64(token.rawValue))
            inBlock += 1
            if inBlock == blockSize {
                previous = finish(state, count: inBlock)
                result.append(BlockHash(rawValue: previous))
                inBlock = 0
            }
        }
        if inBlock > 0 { result.append(BlockHash(rawValue: finish(state, count: inBlock))) }
        return result
    }

    /// The chain's starting value for a scope (FNV-1a of its description, avalanched).
    static func seed(for scope: CacheScope) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in scope.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return avalanche(hash)
    }

    @inline(__always)
    static func mix(_ state: UInt64, _ value: UInt64) -> UInt64 {
        var x = state ^ (value &* 0xFF51_AFD7_ED55_8CCD)
        x = (x << 27 | x >> 37) &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 29)
    }

    @inline(__always)
    static func finish(_ state: UInt64, count: Int) -> UInt64 { avalanche(state ^ UInt64(count)) }

    /// MurmurHash3's 64-bit finalizer.
    @inline(__always)
    static func avalanche(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
