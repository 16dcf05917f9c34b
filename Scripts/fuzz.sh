#!/usr/bin/env bash
# Builds one libFuzzer target (Fuzz/<TARGET>) with AddressSanitizer and runs it for SECONDS (FUZZING.md).
#
# Usage: Scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER FLAG...]
#   TARGET   FuzzPDF, FuzzHTML, FuzzXML or FuzzZIP (or pdf, html, xml, zip)
#   SECONDS  -max_total_time, 600 by default; 0: no time limit, and without further arguments only
#            build and prepare the seeds
#   further arguments go to libFuzzer as they are, after the script's own flags (a later flag wins),
#   e.g. -max_len=4096; with an input file among them it runs that input instead of fuzzing:
#   Scripts/fuzz.sh FuzzPDF 0 crash-1234 (replay), or 0 -minimize_crash=1 -runs=10000 crash-1234
# Environment:
#   FUZZ_JOBS=N     N fuzzing processes (-jobs=N -workers=N); 1 by default
#   FUZZ_SCRATCH    build and work directory, .build-fuzz by default (outside git: .gitignore has .build-*/)
#   FOLIO_SHARED    the shared corpora, ../shared by default (seeds come from it when it exists)
#
# Everything it writes is under $FUZZ_SCRATCH: the build, and in fuzz/ (SwiftPM owns the scratch path's
# artifacts/): seeds/TARGET (links to the seed files), corpus/TARGET (what libFuzzer found; kept between
# runs), artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*) and logs/TARGET-DATE.log (the whole run;
# its last "#N DONE" line has the figures).
set -euo pipefail
# One brace group, read whole before it runs: bash reads a script as it goes, so editing this file
# while a run is under way would otherwise run whatever lands at the old offset.
{
caller=$PWD
cd "$(dirname "$0")/.."
root=$PWD

if (($# < 1)); then
    sed -n '2,19p' "$0"
    exit 2
fi
case "$1" in
    FuzzPDF | pdf) target=FuzzPDF max_len=65536 ;;  # real PDFs are cut to their first 64 KiB: 4 runs/s whole
    FuzzHTML | html) target=FuzzHTML max_len=65536 ;;
    FuzzXML | xml) target=FuzzXML max_len=65536 ;;
    FuzzZIP | zip) target=FuzzZIP max_len=262144 ;;
    *)
        echo "fuzz.sh: unknown target $1 (FuzzPDF, FuzzHTML, FuzzXML or FuzzZIP)" >&2
        exit 2
        ;;
esac
seconds="${2:-600}"
shift $(($# >= 2 ? 2 : 1))
jobs="${FUZZ_JOBS:-1}"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
shared="${FOLIO_SHARED:-../shared}"
[[ -d $shared ]] || shared=/work/shared
[[ $scratch = /* ]] || scratch="$root/$scratch"

# Swift modules get ASan and libFuzzer's coverage (what `-sanitize=fuzzer` instruments, spelled out), and
# the executable links libFuzzer without its `main`: SwiftPM points `main` at the target's top-level code,
# which calls LLVMFuzzerRunDriver (a second `main` from `-sanitize=fuzzer` at link time would clash);
# libFuzzer is C++ and needs libstdc++.
# C code (BoringSSL, the zlib and libxml2 system libraries) is not instrumented.
toolchain_lib="$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib"
fuzzer_lib=$(ls "$toolchain_lib"/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -n 1)
if [[ -z $fuzzer_lib ]]; then
    echo "fuzz.sh: no libclang_rt.fuzzer_no_main in the toolchain ($toolchain_lib/clang)" >&2
    exit 1
fi
FOLIO_FUZZ=1 nice -n 10 swift build -c release --scratch-path "$scratch" --product "$target" \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table \
    -Xlinker --whole-archive -Xlinker "$fuzzer_lib" -Xlinker --no-whole-archive -Xlinker -lstdc++
binary="$scratch/release/$target"

# Seeds: links to the files of the formats the target reads (the shared corpora when present, and the
# repository's own samples); libFuzzer reads them and writes what it finds to corpus/TARGET only.
seeds="$scratch/fuzz/seeds/$target"
corpus="$scratch/fuzz/corpus/$target"
artifacts="$scratch/fuzz/artifacts/$target"
logs="$scratch/fuzz/logs"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts" "$logs"
add_seeds() {  # DIRECTORY EXTENSION...
    local directory=$1 extension file
    shift
    [[ -d $directory ]] || return 0
    for extension in "$@"; do
        for file in "$directory"/*."$extension"; do
            [[ -f $file ]] || continue
            ln -sf "$(readlink -f "$file")" "$seeds/$(basename "$directory")-$(basename "$file" | tr ' ' '_')"
        done
    done
}
case $target in
    FuzzPDF)
        add_seeds "$shared/corpora/pdf" pdf
        add_seeds "$shared/corpora/pdf-generated" pdf
        add_seeds Tests/FolioPDFTests/Fixtures pdf
        ;;
    FuzzHTML)
        add_seeds "$shared/corpora/financial" html htm xml
        add_seeds "$shared/corpora/hostile" html xml
        add_seeds Corpora/samples html
        add_seeds Corpora/samples/generated html
        ;;
    FuzzXML)
        add_seeds "$shared/corpora/financial" xml html htm
        add_seeds "$shared/corpora/hostile" xml
        add_seeds Corpora/samples html
        # The XML parts of the sample DOCX and ODT (document.xml, content.xml, styles, relationships).
        python3 - "$seeds" Corpora/samples/*.docx Corpora/samples/*.odt <<'PYTHON'
import pathlib, sys, zipfile
out = pathlib.Path(sys.argv[1])
for archive in sys.argv[2:]:
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                target = out / (pathlib.Path(archive).stem + "-" + name.replace("/", "_"))
                target.write_bytes(z.read(name))
PYTHON
        ;;
    FuzzZIP)
        add_seeds "$shared/corpora/docx" docx
        add_seeds "$shared/corpora/odt" odt
        add_seeds "$shared/corpora/hostile" docx
        add_seeds Corpora/samples docx odt
        ;;
esac
echo "fuzz.sh: $target: $(ls "$seeds" | wc -l) seed files, $(ls "$corpus" | wc -l) in corpus/$target"

if ((seconds == 0 && $# == 0)); then
    echo "fuzz.sh: built $binary"
    exit 0
fi
flags=(-timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -artifact_prefix="$artifacts/" -print_final_stats=1)
if ((seconds > 0)); then flags+=(-max_total_time="$seconds"); fi
if ((jobs > 1)); then flags+=(-jobs="$jobs" -workers="$jobs"); fi
# Inputs among the extra arguments (a crash file) are run once instead of fuzzing.
inputs=()
for argument in "$@"; do [[ $argument = -* ]] || inputs+=("$argument"); done
if ((${#inputs[@]})); then
    cd "$caller"  # input paths are the caller's
    exec nice -n 10 "$binary" "${flags[@]}" "$@"
fi
log="$logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "fuzz.sh: $binary for ${seconds}s, $jobs process(es); log $log, artifacts $artifacts/"
cd "$logs"  # -jobs writes fuzz-N.log to the working directory
set +e
nice -n 10 "$binary" "${flags[@]}" "$@" "$corpus" "$seeds" 2>&1 | tee "$log" | grep -E --line-buffered \
    'INITED|DONE|ERROR|SUMMARY|crash-|timeout-|oom-|leak-|Test unit written|stat::'
status=${PIPESTATUS[0]}
set -e
echo "fuzz.sh: exit $status; $(grep -E '#[0-9]+ +(DONE|INITED)' "$log" | tail -n 1)"
ls "$artifacts"
exit "$status"
}
