// libFuzzer target: open a PDF, then extract the text of every page. Typed errors are the expected outcome
// of hostile input; a crash, a sanitizer report or a timeout is a finding. Build and run: Scripts/fuzz.sh.
import Glibc
import FolioPDF

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Small limits so that no single input can run for long or take much memory.
    let limits = PDFLimits(
        maxStreamBytes: 8 << 20, maxNestingDepth: 256, maxObjects: 1_000_000, maxPages: 10_000,
        maxOperatorsPerPage: 1_000_000, maxCMapEntries: 100_000)
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? PDFFile(bytes: bytes, limits: limits) else { return 0 }
    let extractor = PDFTextExtractor(source: file, limits: limits)
    for index in 0..<file.pageCount {
        // One broken page must not hide the others: each is read on its own, as the ingest path does.
        guard let page = try? file.page(at: index) else { continue }
        _ = try? extractor.text(of: page)
    }
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
