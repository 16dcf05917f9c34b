// libFuzzer target: read the input as HTML (format forced, encoding detected) through FolioIngest's
// libxml2-based reader. Typed errors are expected; a crash, a sanitizer report or a timeout is a finding.
import Glibc
import FolioIngest

func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let limits = IngestLimits(maxDecompressedBytes: 8 << 20, maxNestingDepth: 1_000)
    let ingestor = Ingestor(options: IngestOptions(format: .html, limits: limits))
    _ = try? ingestor.document(from: Array(UnsafeBufferPointer(start: data, count: size)), name: "fuzz.html")
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
