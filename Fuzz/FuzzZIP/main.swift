// libFuzzer target: open the input as a ZIP archive, list and read every entry, then read it as a DOCX
// and as an ODT through FolioIngest. Typed errors are expected; a crash, a sanitizer report or a timeout
// is a finding.
import Glibc
import FolioCompression
import FolioIngest

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let zipLimits = ZipArchive.Limits(maxEntryCount: 4_096, maxEntryBytes: 8 << 20)
    let ingestLimits = IngestLimits(maxDecompressedBytes: 8 << 20, maxNestingDepth: 1_000, maxArchiveEntries: 4_096)
    let docx = Ingestor(options: IngestOptions(format: .docx, limits: ingestLimits))
    let odt = Ingestor(options: IngestOptions(format: .odt, limits: ingestLimits))
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let archive = try? ZipArchive(source: ZipMemorySource(bytes), limits: zipLimits) {
        for entry in archive.entries {
            _ = archive.entry(named: entry.path)
            _ = try? archive.readAll(entry)
        }
    }
    _ = try? docx.document(from: bytes, name: "fuzz.docx")
    _ = try? odt.document(from: bytes, name: "fuzz.odt")
    return 0
}

// SwiftPM links an executable's `main` to this module's top-level code, so libFuzzer's own `main` stays
// out: the top-level code hands the command line to libFuzzer's driver (its documented entry point for
// programs with a `main` of their own).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv, fuzz))
