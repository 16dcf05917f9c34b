import Foundation
import FolioScheduler
import Testing

/// Passes: catalog, stacking, exact expiry, durability across reopen and torn writes.
struct PassLedgerTests {
    static let day: Int64 = 86_400_000
    let alice = PassHolder(tenant: "kimi", session: "alice")

    func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "folio-ledger-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("passes.log").path
    }

    @Test func defaultCatalogIsKimisPasses() {
        let products = PassCatalog.standard.products
        #expect(products.map(\.priceMinorUnits) == [520, 9_900, 39_900])
        #expect(products.map(\.durationMilliseconds) == [4 * Self.day, 93 * Self.day, 365 * Self.day])
        #expect(products.allSatisfy { $0.currency == "CNY" })
    }

    @Test func expiryIsExactAndGrantsStack() throws {
        let ledger = try PassLedger(path: nil)
        let start: Int64 = 1_700_000_000_000
        #expect(!ledger.isPriority(alice, atMilliseconds: start))
        let first = try ledger.grant("peak-4d", to: alice, atMilliseconds: start)
        #expect(first.expiresAtMilliseconds == start + 4 * Self.day)
        #expect(!ledger.isPriority(alice, atMilliseconds: start - 1))
        #expect(ledger.isPriority(alice, atMilliseconds: start))
        #expect(ledger.isPriority(alice, atMilliseconds: start + 4 * Self.day - 1))
        #expect(!ledger.isPriority(alice, atMilliseconds: start + 4 * Self.day))
        // A second purchase on day 2 extends the expiry instead of overlapping.
        let second = try ledger.grant("peak-93d", to: alice, atMilliseconds: start + 2 * Self.day)
        #expect(second.expiresAtMilliseconds == start + 97 * Self.day)
        #expect(ledger.isPriority(alice, atMilliseconds: start + 97 * Self.day - 1))
        #expect(!ledger.isPriority(alice, atMilliseconds: start + 97 * Self.day))
        #expect(ledger.serviceClass(for: alice, atMilliseconds: start + 50 * Self.day) == "priority")
        #expect(
            ledger.serviceClass(for: PassHolder(tenant: "kimi", session: "bob"), atMilliseconds: start) == "standard")
        // After a lapse, a new purchase starts at its own time.
        let third = try ledger.grant("peak-4d", to: alice, atMilliseconds: start + 200 * Self.day)
        #expect(third.expiresAtMilliseconds == start + 204 * Self.day)
        #expect(!ledger.isPriority(alice, atMilliseconds: start + 150 * Self.day))
        #expect(ledger.expiry(of: alice, atMilliseconds: start + 201 * Self.day) == start + 204 * Self.day)
    }

    @Test func unknownPassIsRefused() throws {
        let ledger = try PassLedger(path: nil)
        let error = #expect(throws: SchedulerError.self) { try ledger.grant("gold", to: alice, atMilliseconds: 0) }
        #expect(error?.code == .unknownPass)
    }

    @Test func grantsSurviveReopen() throws {
        let path = temporaryPath()
        let odd = PassHolder(tenant: "t\tab%", session: "line\nbreak")
        do {
            let ledger = try PassLedger(path: path)
            _ = try ledger.grant("peak-4d", to: alice, atMilliseconds: 1_000)
            _ = try ledger.grant("peak-365d", to: alice, atMilliseconds: 2_000)
            _ = try ledger.grant("peak-93d", to: odd, atMilliseconds: 5)
        }
        let reopened = try PassLedger(path: path)
        #expect(reopened.grantCount == 3)
        #expect(reopened.expiry(of: alice, atMilliseconds: 1_000) == 1_000 + 369 * Self.day)
        #expect(reopened.expiry(of: odd, atMilliseconds: 5) == 5 + 93 * Self.day)
    }

    /// A crash can cut the last append anywhere: at every cut, reopening keeps exactly the whole
    /// records before it, repairs the file, and later grants append cleanly.
    @Test func aTornLastRecordIsDroppedAtEveryCut() throws {
        let path = temporaryPath()
        do {
            let ledger = try PassLedger(path: path)
            for index in 0..<3 {
                _ = try ledger.grant("peak-4d", to: alice, atMilliseconds: Int64(index) * 10 * Self.day)
            }
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let lineEnds = bytes.enumerated().filter { $0.element == UInt8(ascii: "\n") }.map { $0.offset + 1 }
        for cut in 0...bytes.count {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            let ledger = try PassLedger(path: path)
            let whole = lineEnds.filter { $0 <= cut }.count
            #expect(ledger.grantCount == whole, "cut at \(cut)")
            _ = try ledger.grant("peak-4d", to: alice, atMilliseconds: 100 * Self.day)
            let again = try PassLedger(path: path)
            #expect(again.grantCount == whole + 1, "cut at \(cut): the repaired file takes new grants")
        }
    }

    @Test func damageBeforeTheLastRecordIsReported() throws {
        let path = temporaryPath()
        do {
            let ledger = try PassLedger(path: path)
            for index in 0..<3 { _ = try ledger.grant("peak-4d", to: alice, atMilliseconds: Int64(index)) }
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[4] = bytes[4] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SchedulerError.self) { try PassLedger(path: path) }
        #expect(error?.code == .ledgerCorrupt)
        #expect(error?.message.contains(path) == true)
    }

    @Test func unopenableLedgerIsAnIOError() {
        let error = #expect(throws: SchedulerError.self) { try PassLedger(path: "/proc/folio/no/such/passes.log") }
        #expect(error?.code == .ledgerIO)
    }
}
