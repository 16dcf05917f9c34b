// Performance notes
// `Dictionary<UInt64, Int32>` hashes every key with SipHash through `Hasher`; in `folio replay` that
// was a quarter of the time (perf, issue 19). Block hashes need no protection from chosen keys here
// (a tenant cannot pick its chain's hashes, and a trace's ids are small integers), so this table
// mixes a key with one multiply–xorshift and probes linearly, at most half full; deletion shifts
// the probe run back instead of leaving tombstones.

/// An open-addressing map from a block hash to a slot number (`Int32`, not negative).
struct BlockTable: Sendable {
    private var keys: [UInt64]
    /// -1 marks an empty bucket.
    private var values: [Int32]
    private var mask: Int
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var buckets = 16
        while buckets < 2 * minimumCapacity { buckets <<= 1 }
        keys = [UInt64](repeating: 0, count: buckets)
        values = [Int32](repeating: -1, count: buckets)
        mask = buckets - 1
        shift = UInt64(64 - buckets.trailingZeroBitCount)
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        var x = key ^ (key >> 32)
        x &*= 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: x >> shift)
    }

    subscript(key: UInt64) -> Int32? {
        var bucket = home(key)
        while true {
            let value = values[bucket]
            if value < 0 { return nil }
            if keys[bucket] == key { return value }
            bucket = (bucket + 1) & mask
        }
    }

    /// Sets the value of `key` (added or replaced).
    mutating func set(_ key: UInt64, _ value: Int32) {
        precondition(value >= 0, "a block table holds slot numbers")
        if 2 * (count + 1) > values.count { grow() }
        var bucket = home(key)
        while values[bucket] >= 0 {
            if keys[bucket] == key {
                values[bucket] = value
                return
            }
            bucket = (bucket + 1) & mask
        }
        keys[bucket] = key
        values[bucket] = value
        count += 1
    }

    /// Removes `key`; returns its value, if it was there.
    @discardableResult
    mutating func remove(_ key: UInt64) -> Int32? {
        var bucket = home(key)
        while true {
            let value = values[bucket]
            if value < 0 { return nil }
            if keys[bucket] == key { break }
            bucket = (bucket + 1) & mask
        }
        let removed = values[bucket]
        // Backward-shift deletion: pull later members of the probe run into the gap.
        var gap = bucket
        var probe = (gap + 1) & mask
        while values[probe] >= 0 {
            let wanted = home(keys[probe])
            // The entry may move to the gap if its home is not in (gap, probe] (cyclically).
            let stays = gap <= probe ? (wanted > gap && wanted <= probe) : (wanted > gap || wanted <= probe)
            if !stays {
                keys[gap] = keys[probe]
                values[gap] = values[probe]
                gap = probe
            }
            probe = (probe + 1) & mask
        }
        values[gap] = -1
        count -= 1
        return removed
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        self = BlockTable(minimumCapacity: oldValues.count)
        for (key, value) in zip(oldKeys, oldValues) where value >= 0 { set(key, value) }
    }
}
