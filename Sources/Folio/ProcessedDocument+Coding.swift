internal import FolioCache
internal import FolioModel

/// The byte layout of the "blocks" and "kinds" segments (varints, see `ByteWriter`).
///
/// ```
/// blocks: count, then per block: kind, start, end, utf8 start, utf8 end, page (0 when none)
/// kinds:  chunk count, then per chunk: kind count, kinds
/// kind:   tag (0 heading, 1 paragraph, 2 list item, 3 table row, 4 page break, 5 section break),
///         then the level for headings and list items
/// ```
extension ProcessedDocument {
    static func encode(_ kind: BlockKind, into writer: inout ByteWriter) {
        switch kind {
        case .heading(let level):
            writer.varint(0)
            writer.varint(level)
        case .paragraph: writer.varint(1)
        case .listItem(let level):
            writer.varint(2)
            writer.varint(level)
        case .tableRow: writer.varint(3)
        case .pageBreak: writer.varint(4)
        case .sectionBreak: writer.varint(5)
        }
    }

    static func decodeKind(_ reader: inout ByteReader) throws(CacheError) -> BlockKind {
        switch try reader.varint() {
        case 0: return .heading(level: try reader.varint())
        case 1: return .paragraph
        case 2: return .listItem(level: try reader.varint())
        case 3: return .tableRow
        case 4: return .pageBreak
        case 5: return .sectionBreak
        case let tag: throw CacheError(.corrupt, "unknown block kind \(tag)")
        }
    }

    static func encodeBlocks(_ blocks: [Block]) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(blocks.count)
        for block in blocks {
            encode(block.kind, into: &writer)
            writer.varint(block.range.start)
            writer.varint(block.range.end)
            writer.varint(block.utf8Range.lowerBound)
            writer.varint(block.utf8Range.upperBound)
            writer.varint(block.page ?? 0)
        }
        return writer.bytes
    }

    static func decodeBlocks(_ bytes: [UInt8], origin: String) throws(EngineError) -> [Block] {
        var reader = ByteReader(bytes)
        do throws(CacheError) {
            let count = try reader.varint()
            guard count <= bytes.count else { throw CacheError(.corrupt, "the segment claims \(count) blocks") }
            var blocks: [Block] = []
            blocks.reserveCapacity(min(count, bytes.count))
            for _ in 0..<count {
                let kind = try decodeKind(&reader)
                let start = try reader.varint(), end = try reader.varint()
                let utf8Start = try reader.varint(), utf8End = try reader.varint()
                let page = try reader.varint()
                guard start <= end, utf8Start <= utf8End else {
                    throw CacheError(.corrupt, "a block's range is reversed")
                }
                blocks.append(
                    Block(
                        kind: kind, range: TextRange(start: start, end: end), utf8Range: utf8Start..<utf8End,
                        page: page == 0 ? nil : page))
            }
            guard reader.isAtEnd else { throw CacheError(.corrupt, "bytes after the last block") }
            return blocks
        } catch {
            throw EngineError(.cache, "\(origin): blocks: \(error.message)", underlying: error)
        }
    }

    static func encodeKinds(_ kinds: [[BlockKind]]) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(kinds.count)
        for chunkKinds in kinds {
            writer.varint(chunkKinds.count)
            for kind in chunkKinds { encode(kind, into: &writer) }
        }
        return writer.bytes
    }

    static func decodeKinds(_ bytes: [UInt8], origin: String) throws(EngineError) -> [[BlockKind]] {
        var reader = ByteReader(bytes)
        do throws(CacheError) {
            let count = try reader.varint()
            guard count <= bytes.count else { throw CacheError(.corrupt, "the segment claims \(count) chunks") }
            var kinds: [[BlockKind]] = []
            kinds.reserveCapacity(min(count, bytes.count))
            for _ in 0..<count {
                let kindCount = try reader.varint()
                guard kindCount <= bytes.count else {
                    throw CacheError(.corrupt, "a chunk claims \(kindCount) block kinds")
                }
                var chunkKinds: [BlockKind] = []
                for _ in 0..<kindCount { chunkKinds.append(try decodeKind(&reader)) }
                kinds.append(chunkKinds)
            }
            guard reader.isAtEnd else { throw CacheError(.corrupt, "bytes after the last chunk's kinds") }
            return kinds
        } catch {
            throw EngineError(.cache, "\(origin): kinds: \(error.message)", underlying: error)
        }
    }
}
