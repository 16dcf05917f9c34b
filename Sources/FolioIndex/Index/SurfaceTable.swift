// Performance notes
// Every word of every chunk goes through `lookup(_:)`: an open-addressing table over a byte arena
// with FNV-1a hashes, so a known word costs one hash and one compare and allocates nothing.
// Stemming runs once per distinct surface word, when it first enters the table. Callgrind on the
// CUAD contracts (`folio bench index`): the lookups are about 14 % of a build.

/// Maps surface words (lowercased, as scanned) to term ids, remembering stop words and stems.
struct SurfaceTable {
    /// The id stored for a stop word.
    static let stopWord = UInt32.max

    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private var arena: [UInt8] = []
    private var offsets: [UInt32] = []
    private var lengths: [UInt8] = []
    private var hashes: [UInt32] = []
    private var ids: [UInt32] = []

    /// Where a word was found or would go.
    enum Lookup {
        case found(UInt32)
        case missing(slot: Int, hash: UInt32)
    }

    /// The id of `bytes`, or the slot to ``insert(_:id:at:)`` it into.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Lookup {
        let hash = IndexFormat.termHash(bytes)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return .missing(slot: slot, hash: hash) }
            if hashes[entry] == hash && Int(lengths[entry]) == bytes.count && matches(entry, bytes) {
                return .found(ids[entry])
            }
            slot = (slot + 1) & mask
        }
    }

    /// Records the id of a word that ``lookup(_:)`` did not find (at most 255 bytes).
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, id: UInt32, slot: Int, hash: UInt32) {
        slots[slot] = Int32(ids.count)
        offsets.append(UInt32(arena.count))
        lengths.append(UInt8(bytes.count))
        hashes.append(hash)
        ids.append(id)
        arena.append(contentsOf: bytes)
        if ids.count * 2 > slots.count { grow() }
    }

    private func matches(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let offset = Int(offsets[entry])
        return arena.withUnsafeBufferPointer { arena in
            for index in 0..<bytes.count where arena[offset + index] != bytes[index] { return false }
            return true
        }
    }

    private mutating func grow() {
        var newSlots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = newSlots.count - 1
        for entry in 0..<ids.count {
            var slot = Int(hashes[entry]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(entry)
        }
        slots = newSlots
    }
}
