/// The term dictionary and the occurrence log of an index being built.
///
/// It is the scanner's sink: each surface word becomes a term id (through ``SurfaceTable``, which
/// remembers stems and stop words) and one occurrence (term id, position) in chunk order.
struct Inverter: TermSink {
    let analyzer: Analyzer
    var surfaces = SurfaceTable()
    /// Final term bytes (stemmed) to term id, and the bytes of each term in id order.
    var termIDs: [[UInt8]: UInt32] = [:]
    var termBytes: [[UInt8]] = []
    var occurrenceTerms: [UInt32] = []
    var occurrencePositions: [UInt32] = []
    /// Bits or-ed into positions (the heading flag while a heading is scanned).
    var positionFlag: UInt32 = 0
    /// Occurrences appended since the last reset (stop words excluded).
    var emitted = 0

    init(analyzer: Analyzer) {
        self.analyzer = analyzer
    }

    mutating func surface(_ bytes: UnsafeBufferPointer<UInt8>, isEnglishWord: Bool, position: Int) {
        let id: UInt32
        switch surfaces.lookup(bytes) {
        case .found(let known):
            id = known
        case .missing(let slot, let hash):
            id = resolve(bytes, isEnglishWord: isEnglishWord)
            surfaces.insert(bytes, id: id, slot: slot, hash: hash)
        }
        guard id != SurfaceTable.stopWord else { return }
        occurrenceTerms.append(id)
        occurrencePositions.append(UInt32(truncatingIfNeeded: position) & ~IndexBuilder.headingFlag | positionFlag)
        emitted += 1
    }

    private mutating func resolve(_ bytes: UnsafeBufferPointer<UInt8>, isEnglishWord: Bool) -> UInt32 {
        guard let term = analyzer.normalize(bytes, isEnglishWord: isEnglishWord) else { return SurfaceTable.stopWord }
        if let id = termIDs[term] { return id }
        let id = UInt32(termBytes.count)
        termIDs[term] = id
        termBytes.append(term)
        return id
    }
}
