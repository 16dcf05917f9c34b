#!/usr/bin/env python3
"""Folio's PDF text extraction against pypdfium2, PyMuPDF, pypdf and pdftotext: same files, same run.

    pip install -r Benchmarks/peers/requirements.txt     # pypdfium2, pymupdf, pypdf
    apt-get install poppler-utils                        # pdftotext
    swift build -c release --product folio
    python3 Benchmarks/peers/pdf.py [--shared ../shared] [--rounds 3] [--repeat 3] [--json results.json]
                                    [--only speed,fidelity,chinese,memory] [--tools folio,pypdfium2,...]

Files: the 64 CUAD contracts of shared/corpora/pdf (fidelity against shared/corpora/contracts/txt, the
same base names) and the Chinese excerpts of shared/corpora/pdf-generated (*-excerpt.pdf against
*-excerpt.txt).

* speed: round-robin for --rounds rounds (each tool in turn over all files, then the next round); each
  figure is a tool's best round per file. One "extraction" is opening the file from bytes in memory and
  getting every page's text. Python libraries are timed in this process, one warm-up and --repeat timed
  runs per file per round: pypdfium2 (`PdfDocument(bytes)`, `get_textpage().get_text_range()` per page,
  closing each), PyMuPDF (`pymupdf.open(stream=...)`, `page.get_text()`), pypdf (`PdfReader(BytesIO)`,
  `page.extract_text()`). Folio is `folio bench pdf --json --repeat N FILES` (in process: `PDFFile(bytes:)`
  and `PDFTextExtractor.text(of:)` on every page, one warm-up run, the same definition). pdftotext
  (poppler-utils) has no library here: it is timed as a whole process (`pdftotext -enc UTF-8 FILE -`,
  start-up and reading the file included), so its figures are an upper bound of its cost. Totals are
  bytes and pages over the sum of per-file best seconds; 1 MB = 10^6 bytes of the file as stored.
* fidelity: each tool's text (the first timed run's; Folio's through `--text-out`) scored like
  Tests/FolioPDFTests/PDFTextCorpusTests.swift: curly quotes, primes, dashes and special spaces folded
  to ASCII, split at white space (Swift's `Character.isWhitespace`), words compared as multisets (NFC,
  as Swift compares strings); word recall and precision, and recall of adjacent word pairs.
* chinese: non-white-space character multisets of each tool's text against the excerpt's source,
  agreement = common / max(expected, found), and the count of U+FFFD.
* memory: every tool on every file in a fresh process under `/usr/bin/time -f %M` (peak RSS), minus the
  same process on a tiny one-page PDF (the baseline: interpreter, library, executable); for Folio the
  process is `folio bench pdf --repeat 1 FILE`, whose JSON also gives the largest page's decoded
  content streams (the target's allowance on top of 64 MB).

The machine is shared: before each tool's pass over the files (and each memory process), the script
waits (at most --idle-timeout seconds) until the CPUs were at least --idle idle over two seconds, and
records the idle share it got.
"""
import argparse
import collections
import glob
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

try:
    import pymupdf
    import pypdf
    import pypdfium2
    from pypdfium2.version import PDFIUM_INFO, PYPDFIUM_INFO
except ImportError as error:
    sys.exit(f"{error}: run `pip install -r Benchmarks/peers/requirements.txt` first")

MB = 1e6
TOOLS = ["folio", "pypdfium2", "pymupdf", "pdftotext", "pypdf"]

# ---------------------------------------------------------------------------------------------
# Extraction by the Python libraries: bytes in memory → one text per page.


def pdfium_pages(data):
    document = pypdfium2.PdfDocument(data)
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts


def pymupdf_pages(data):
    document = pymupdf.open(stream=data, filetype="pdf")
    try:
        return [page.get_text() for page in document]
    finally:
        document.close()


def pypdf_pages(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() or "" for page in reader.pages]


LIBRARIES = {"pypdfium2": pdfium_pages, "pymupdf": pymupdf_pages, "pypdf": pypdf_pages}


def pdftotext_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout.decode(
        "utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# The machine


def cpu_times():
    values = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return values[3] + values[4], sum(values)


def wait_until_idle(share, timeout):
    """Waits until the CPUs were `share` idle over two seconds (at most `timeout`); returns the last share."""
    start = time.time()
    idle = 0.0
    while True:
        idle0, total0 = cpu_times()
        time.sleep(2.0)
        idle1, total1 = cpu_times()
        idle = (idle1 - idle0) / max(1, total1 - total0)
        if idle >= share or time.time() - start >= timeout:
            return idle


# ---------------------------------------------------------------------------------------------
# Scoring, as PDFTextCorpusTests.swift does it

FOLD = {
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
    **{c: " " for c in "\u00a0\u2002\u2003\u2009\u200b"},
}
FOLD_TABLE = str.maketrans(FOLD)
# Unicode White_Space, which Swift's Character.isWhitespace and Unicode.Scalar.Properties.isWhitespace test.
WHITE_SPACE = "\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SPLIT = re.compile(f"[{WHITE_SPACE}]+")


def words(text):
    return [unicodedata.normalize("NFC", word) for word in SPLIT.split(text.translate(FOLD_TABLE)) if word]


def common_count(left, right):
    counts = collections.Counter(left)
    common = 0
    for item in right:
        if counts[item] > 0:
            counts[item] -= 1
            common += 1
    return common


def compare(reference, extracted):
    expected, found = words(reference), words(extracted)
    expected_pairs = [f"{a} {b}" for a, b in zip(expected, expected[1:])]
    found_pairs = [f"{a} {b}" for a, b in zip(found, found[1:])]
    return {
        "reference_words": len(expected), "extracted_words": len(found),
        "common_words": common_count(expected, found),
        "reference_pairs": len(expected_pairs), "common_pairs": common_count(expected_pairs, found_pairs),
    }


def rates(counts):
    return {
        "word_recall": counts["common_words"] / max(1, counts["reference_words"]),
        "word_precision": counts["common_words"] / max(1, counts["extracted_words"]),
        "pair_recall": counts["common_pairs"] / max(1, counts["reference_pairs"]),
    }


def characters(text):
    return collections.Counter(c for c in text if not SPLIT.fullmatch(c))


def chinese_agreement(reference, extracted):
    expected, found = characters(reference), characters(extracted)
    common = sum(min(count, found[c]) for c, count in expected.items())
    return common / max(sum(expected.values()), sum(found.values()), 1)


# ---------------------------------------------------------------------------------------------
# Running the tools


def folio_run(folio, paths, repeat, text_out=None):
    command = [folio, "bench", "pdf", "--json", "--repeat", str(repeat)]
    if text_out:
        command += ["--text-out", text_out]
    result = subprocess.run(command + paths, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"folio bench pdf: exit {result.returncode}: {result.stderr.strip()}", file=sys.stderr)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {row["path"]: row for row in rows if not row.get("total")}


def time_library(function, data, repeat):
    texts = function(data)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        best = min(best, time.perf_counter() - start)
    return best, texts


def time_pdftotext(path, repeat):
    text = pdftotext_text(path)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best, text


def speed_and_texts(args, paths, work):
    """Round-robin timing; returns {tool: {path: {seconds, pages}}} (best round) and {tool: {path: text}}."""
    best = {tool: {} for tool in TOOLS}
    texts = {tool: {} for tool in TOOLS}
    idles = []
    sizes = {path: os.path.getsize(path) for path in paths}
    for round_index in range(args.rounds):
        for tool in TOOLS:
            idles.append(round(wait_until_idle(args.idle, args.idle_timeout), 2))
            start = time.time()
            if tool == "folio":
                out = os.path.join(work, "folio-text") if round_index == 0 else None
                rows = folio_run(args.folio, paths, args.repeat, out)
                for path in paths:
                    if path not in rows:
                        continue
                    row = rows[path]
                    keep(best[tool], path, row["best_seconds"], row["pages"])
                    if out:
                        base = os.path.basename(path)[:-4]
                        with open(os.path.join(out, base + ".txt"), encoding="utf-8") as handle:
                            texts[tool][path] = handle.read()
            else:
                for path in paths:
                    try:
                        if tool == "pdftotext":
                            seconds, text = time_pdftotext(path, args.repeat)
                            pages = text.count("\f")
                        else:
                            with open(path, "rb") as handle:
                                data = handle.read()
                            seconds, page_texts = time_library(LIBRARIES[tool], data, args.repeat)
                            text, pages = "\n\n".join(page_texts), len(page_texts)
                    except Exception as error:  # a peer that fails on a file is reported, not fatal
                        print(f"{tool} failed on {path}: {error}", file=sys.stderr)
                        continue
                    keep(best[tool], path, seconds, pages)
                    texts[tool].setdefault(path, text)
            total = sum(best[tool][p]["seconds"] for p in best[tool])
            print(f"round {round_index + 1}/{args.rounds} {tool}: pass {time.time() - start:.1f} s, "
                  f"best so far {sum(sizes[p] for p in best[tool]) / total / MB:.2f} MB/s (idle {idles[-1]})",
                  file=sys.stderr, flush=True)
    return best, texts, idles


def keep(table, path, seconds, pages):
    old = table.get(path)
    if old is None or seconds < old["seconds"]:
        table[path] = {"seconds": seconds, "pages": pages}


MEMORY_SNIPPET = """
import sys
sys.path.insert(0, {here!r})
import pdf
with open(sys.argv[1], 'rb') as handle:
    data = handle.read()
if {tool!r} == 'pdftotext':
    raise SystemExit('not here')
texts = pdf.LIBRARIES[{tool!r}](data)
"""


def peak_rss(command):
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-300:])
    return int(result.stderr.strip().splitlines()[-1]) * 1024, result.stdout


def memory_command(args, tool, path):
    if tool == "folio":
        return [args.folio, "bench", "pdf", "--json", "--repeat", "1", path]
    if tool == "pdftotext":
        return ["pdftotext", "-enc", "UTF-8", path, "/dev/null"]
    here = os.path.dirname(os.path.abspath(__file__))
    return [sys.executable, "-c", MEMORY_SNIPPET.format(here=here, tool=tool), path]


def memory(args, paths, tiny):
    """{tool: {"baseline": bytes, "files": {path: {rss, delta, content}}}} peak RSS in fresh processes."""
    results = {}
    for tool in TOOLS:
        wait_until_idle(args.idle, args.idle_timeout)
        baseline = min(peak_rss(memory_command(args, tool, tiny))[0] for _ in range(3))
        files = {}
        for path in paths:
            try:
                rss, stdout = peak_rss(memory_command(args, tool, path))
            except RuntimeError as error:
                print(f"{tool} failed on {path} (memory): {error}", file=sys.stderr)
                continue
            entry = {"rss": rss, "delta": rss - baseline}
            if tool == "folio":
                rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
                entry["max_page_content_bytes"] = rows[0]["max_page_content_bytes"]
            files[path] = entry
        results[tool] = {"baseline": baseline, "files": files}
        worst = max(files.items(), key=lambda item: item[1]["delta"])
        print(f"memory {tool}: baseline {baseline / MB:.1f} MB, worst +{worst[1]['delta'] / MB:.1f} MB "
              f"({os.path.basename(worst[0])})", file=sys.stderr, flush=True)
    return results


def tiny_pdf(path):
    """A one-page PDF with one line of Helvetica text and a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, table)
    with open(path, "wb") as handle:
        handle.write(out)


# ---------------------------------------------------------------------------------------------


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(root), "shared"))
    parser.add_argument("--folio", default=os.path.join(root, ".build", "release", "folio"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--idle", type=float, default=0.7)
    parser.add_argument("--idle-timeout", type=float, default=120.0)
    parser.add_argument("--only", default="speed,fidelity,chinese,memory")
    parser.add_argument("--tools", default=",".join(TOOLS), help="a subset of " + ",".join(TOOLS))
    parser.add_argument("--json")
    args = parser.parse_args()
    only = set(args.only.split(","))
    TOOLS[:] = [tool for tool in TOOLS if tool in args.tools.split(",")]
    paths = sorted(glob.glob(os.path.join(args.shared, "corpora", "pdf", "*.pdf")))
    references = {path: os.path.join(args.shared, "corpora", "contracts", "txt", os.path.basename(path)[:-4] + ".txt")
                  for path in paths}
    sizes = {path: os.path.getsize(path) for path in paths}
    report = {"date": time.strftime("%Y-%m-%d"), "files": len(paths), "bytes": sum(sizes.values()),
              "versions": {"pypdfium2": str(PYPDFIUM_INFO), "pdfium": str(PDFIUM_INFO),
                           "pymupdf": pymupdf.__version__, "pypdf": pypdf.__version__,
                           "pdftotext": subprocess.run(["pdftotext", "-v"], capture_output=True,
                                                       text=True).stderr.splitlines()[0]},
              "rounds": args.rounds, "repeat": args.repeat}
    print(json.dumps(report["versions"]), file=sys.stderr)
    work = tempfile.mkdtemp(prefix="folio-pdf-bench-")

    if only & {"speed", "fidelity"}:
        best, texts, idles = speed_and_texts(args, paths, work)
        report["idle_shares"] = idles
        speed = {}
        for tool in TOOLS:
            done = [p for p in paths if p in best[tool]]
            seconds = sum(best[tool][p]["seconds"] for p in done)
            pages = sum(best[tool][p]["pages"] for p in done)
            speed[tool] = {"files": len(done), "bytes": sum(sizes[p] for p in done), "pages": pages,
                           "seconds": seconds, "mb_per_s": sum(sizes[p] for p in done) / seconds / MB,
                           "pages_per_s": pages / seconds}
        for tool in TOOLS:
            speed[tool]["ratio_to_pdfium_mb"] = speed[tool]["mb_per_s"] / speed["pypdfium2"]["mb_per_s"]
            speed[tool]["ratio_to_pdfium_pages"] = speed[tool]["pages_per_s"] / speed["pypdfium2"]["pages_per_s"]
        per_file = sorted(((best["folio"][p]["seconds"] / best["pypdfium2"][p]["seconds"], os.path.basename(p),
                            best["folio"][p]["seconds"], best["pypdfium2"][p]["seconds"], sizes[p],
                            best["folio"][p]["pages"])
                           for p in paths if p in best["folio"] and p in best["pypdfium2"]), reverse=True)
        report["speed"] = speed
        report["folio_over_pdfium_worst"] = per_file[:8]
        report["per_file"] = {os.path.basename(p): {tool: best[tool].get(p) for tool in TOOLS} for p in paths}
        print("\ntool        files   pages       MB   seconds    MB/s  pages/s  ×pdfium(MB/s)  ×pdfium(pages/s)")
        for tool in TOOLS:
            s = speed[tool]
            print(f"{tool:10} {s['files']:6} {s['pages']:7} {s['bytes'] / MB:8.2f} {s['seconds']:9.3f} "
                  f"{s['mb_per_s']:7.2f} {s['pages_per_s']:8.1f} {s['ratio_to_pdfium_mb']:14.2f} "
                  f"{s['ratio_to_pdfium_pages']:17.2f}")
        print("\nslowest files, Folio time / PDFium time:")
        for ratio, name, folio_s, pdfium_s, size, pages in per_file[:8]:
            print(f"  {ratio:5.2f}  {name}  folio {folio_s * 1e3:.1f} ms, pdfium {pdfium_s * 1e3:.1f} ms, "
                  f"{size / 1e3:.0f} kB, {pages} pages")

        fidelity = {}
        print("\ntool        files  word recall  precision  pair recall  worst file recall  files < 0.99")
        for tool in TOOLS:
            total = collections.Counter()
            worst = (2.0, "")
            below = 0
            per = {}
            for path in paths:
                if path not in texts[tool]:
                    continue
                with open(references[path], encoding="utf-8") as handle:
                    counts = compare(handle.read(), texts[tool][path])
                total.update(counts)
                file_rates = rates(counts)
                per[os.path.basename(path)] = file_rates
                worst = min(worst, (file_rates["word_recall"], os.path.basename(path)))
                below += file_rates["word_recall"] < 0.99
            figures = rates(total)
            fidelity[tool] = {**figures, "files": len(per), "worst_recall": worst[0], "worst_file": worst[1],
                              "files_below_0_99": below, "reference_words": total["reference_words"], "per_file": per}
            print(f"{tool:10} {len(per):6} {figures['word_recall']:12.5f} {figures['word_precision']:10.5f} "
                  f"{figures['pair_recall']:12.5f} {worst[0]:18.5f} {below:13}  ({worst[1]})")
        report["fidelity"] = fidelity

    if "chinese" in only:
        chinese = {}
        excerpts = sorted(glob.glob(os.path.join(args.shared, "corpora", "pdf-generated", "*-excerpt.pdf")))
        out = os.path.join(work, "folio-chinese")
        folio_run(args.folio, excerpts, 1, out)
        print("\ntool        " + "  ".join(f"{os.path.basename(p)[:-4]:>30}" for p in excerpts))
        for tool in TOOLS:
            cells = []
            chinese[tool] = {}
            for path in excerpts:
                with open(path[:-4] + ".txt", encoding="utf-8") as handle:
                    reference = handle.read()
                try:
                    if tool == "folio":
                        with open(os.path.join(out, os.path.basename(path)[:-4] + ".txt"), encoding="utf-8") as h:
                            text = h.read()
                    elif tool == "pdftotext":
                        text = pdftotext_text(path)
                    else:
                        with open(path, "rb") as handle:
                            text = "\n\n".join(LIBRARIES[tool](handle.read()))
                except Exception as error:
                    print(f"{tool} failed on {path}: {error}", file=sys.stderr)
                    continue
                agreement = chinese_agreement(reference, text)
                replacement = text.count("\ufffd")
                chinese[tool][os.path.basename(path)] = {"agreement": agreement, "replacement_characters": replacement}
                cells.append(f"{agreement:.5f}, {replacement} U+FFFD")
            print(f"{tool:10}  " + "  ".join(f"{cell:>30}" for cell in cells))
        report["chinese"] = chinese

    if "memory" in only:
        tiny = os.path.join(work, "tiny.pdf")
        tiny_pdf(tiny)
        results = memory(args, paths, tiny)
        summary = {}
        print("\ntool        baseline MB  worst +MB  median +MB  worst file")
        for tool in TOOLS:
            files = results[tool]["files"]
            deltas = sorted(entry["delta"] for entry in files.values())
            worst = max(files.items(), key=lambda item: item[1]["delta"])
            summary[tool] = {"baseline": results[tool]["baseline"], "worst_delta": worst[1]["delta"],
                             "worst_file": os.path.basename(worst[0]), "median_delta": deltas[len(deltas) // 2]}
            print(f"{tool:10} {results[tool]['baseline'] / MB:12.1f} {worst[1]['delta'] / MB:10.1f} "
                  f"{deltas[len(deltas) // 2] / MB:11.1f}  {os.path.basename(worst[0])}")
        folio_files = results["folio"]["files"]
        margins = sorted((64 * MB + entry["max_page_content_bytes"] - entry["delta"], os.path.basename(path),
                          entry["delta"], entry["max_page_content_bytes"]) for path, entry in folio_files.items())
        summary["folio_tightest"] = margins[:3]
        print("Folio, tightest files against 64 MB + largest page's decoded content:")
        for margin, name, delta, content in margins[:3]:
            print(f"  {name}: +{delta / MB:.1f} MB, page content {content / 1e3:.0f} kB, margin {margin / MB:.1f} MB")
        report["memory"] = summary
        report["memory_per_file"] = {tool: {os.path.basename(p): e for p, e in results[tool]["files"].items()}
                                     for tool in TOOLS}

    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)


if __name__ == "__main__":
    main()
