internal import FolioSystem

/// The pass ledger's file: an append-only log of grants, one line each, replayed on open.
///
/// Why a log and not SQLite: grants are few, tiny and never updated, so an append plus `fsync`
/// is the whole durability story, with no dependency to build; replay of a million grants takes
/// well under a second. A line is
/// `G <TAB> purchased-ms <TAB> tenant <TAB> session <TAB> pass-id <TAB> checksum`, with `%`, tab
/// and newline in names percent-escaped and the checksum the 64-bit FNV-1a of the text before it,
/// in hex. A crash can only tear the last line: replay drops it and cuts the file back. Damage
/// anywhere else is reported, never skipped.
struct PassLedgerLog {
    struct Record: Equatable {
        var holder: PassHolder
        var productID: String
        var purchasedAtMilliseconds: Int64
    }

    let path: String
    let file: SystemFile

    /// Opens or creates the file, creates it durably (fsync of the directory), and reads its records.
    static func open(path: String) throws(SchedulerError) -> (PassLedgerLog, [Record]) {
        let file: SystemFile
        do {
            file = try SystemFile(path, access: .readWrite, options: [.create, .append])
        } catch {
            throw ioError(path, "cannot open", error)
        }
        let log = PassLedgerLog(path: path, file: file)
        do throws(SchedulerError) {
            let bytes = try log.readAll()
            let (records, validLength) = try parse(bytes, path: path)
            if validLength < bytes.count {
                do {
                    try file.truncate(to: validLength)
                    try file.synchronize()
                } catch {
                    throw ioError(path, "cannot cut off a torn last record", error)
                }
            }
            try syncDirectory(of: path)
            return (log, records)
        } catch {
            log.close()
            throw error
        }
    }

    /// Appends one record and waits until it is on stable storage.
    func append(_ record: Record) throws(SchedulerError) {
        do {
            try file.write(Array(Self.line(for: record).utf8))
        } catch {
            throw Self.ioError(path, "cannot append a grant", error)
        }
        do {
            try file.synchronize()
        } catch {
            throw Self.ioError(path, "cannot sync a grant to disk", error)
        }
    }

    func close() { try? file.close() }

    private func readAll() throws(SchedulerError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let offset = bytes.count
            let count = chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try file.read(into: buffer, at: offset) }
            }
            switch count {
            case .failure(let error): throw Self.ioError(path, "cannot read", error)
            case .success(0): return bytes
            case .success(let count): bytes += chunk[0..<count]
            }
        }
    }

    // MARK: Format

    static func line(for record: Record) -> String {
        let body =
            "G\t\(record.purchasedAtMilliseconds)\t\(escape(record.holder.tenant))\t"
            + "\(escape(record.holder.session))\t\(escape(record.productID))"
        return body + "\t" + hex(fnv1a(Array(body.utf8))) + "\n"
    }

    /// The records of a file and the length of its valid prefix.
    static func parse(_ bytes: [UInt8], path: String) throws(SchedulerError) -> ([Record], Int) {
        var records: [Record] = []
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                return (records, start)  // torn: the crash came before the newline
            }
            let line = Array(bytes[start..<newline])
            let isLast = newline == bytes.count - 1
            if let record = record(from: line) {
                records.append(record)
            } else if isLast {
                return (records, start)  // torn: a whole line of garbage can only be the last write
            } else {
                throw SchedulerError(
                    .ledgerCorrupt,
                    """
                    \(path): grant record \(lineNumber) is damaged \
                    (checksum or format); restore the ledger from a backup
                    """
                )
            }
            start = newline + 1
        }
        return (records, start)
    }

    private static func record(from line: [UInt8]) -> Record? {
        guard let lastTab = line.lastIndex(of: UInt8(ascii: "\t")) else { return nil }
        let body = Array(line[..<lastTab])
        guard String(decoding: line[(lastTab + 1)...], as: UTF8.self) == hex(fnv1a(body)) else { return nil }
        let fields = body.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 5, fields[0] == "G", let time = Int64(fields[1]),
            let tenant = unescape(fields[2]), let session = unescape(fields[3]), let product = unescape(fields[4])
        else { return nil }
        return Record(
            holder: PassHolder(tenant: tenant, session: session), productID: product, purchasedAtMilliseconds: time)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\t": out += "%09"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var out = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                out.unicodeScalars.append(scalar)
                continue
            }
            guard let high = scalars.next(), let low = scalars.next(),
                let value = UInt8(String(high) + String(low), radix: 16)
            else { return nil }
            out.unicodeScalars.append(Unicode.Scalar(value))
        }
        return out
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func syncDirectory(of path: String) throws(SchedulerError) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let handle: SystemFile
        do {
            handle = try SystemFile(directory.isEmpty ? "/" : directory)
        } catch {
            throw ioError(directory, "cannot open the ledger's directory to sync it", error)
        }
        do {
            try handle.synchronize()
        } catch {
            throw ioError(directory, "cannot sync the ledger's directory", error)
        }
    }

    private static func ioError(_ path: String, _ what: String, _ error: SystemError) -> SchedulerError {
        SchedulerError(.ledgerIO, "\(path): \(what) (\(error.reason))", underlying: error)
    }
}
