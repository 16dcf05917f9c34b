#!/usr/bin/env python3
"""Folio's tokenizer against tiktoken and bpe-openai: same inputs, same run, single thread.

    pip install -r Benchmarks/peers/requirements.txt
    swift build -c release
    python3 Benchmarks/peers/tokenizers.py [--shared ../shared] [--rounds 5]

Inputs (from ../shared/corpora): English filing text (the lxml-extracted text of the seven filings),
contract text (the 64 CUAD contracts) and Chinese text (hongloumeng.txt), each concatenated into
one string. tiktoken cannot download its rank files here, so its Encoding is built from the same
files in ../shared/vocab with tiktoken's own patterns and special tokens; bpe-openai ships the same
rank files. Folio runs as `folio bench tokenize` (release build) on the same text written to a
temporary file, timing only the in-memory encode/count. Tools run round-robin for --rounds rounds so
that machine noise hits all of them alike; each figure is the best round (MB = 10^6 bytes of UTF-8).
The token counts of all tools must agree, or the script stops.
"""
import argparse
import glob
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from bpe_openai import _bindings as bpe_openai

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts"))
import tiktoken_local  # noqa: E402


def read(path):
    return pathlib.Path(path).read_bytes().decode("utf-8", errors="replace")


def inputs(shared):
    corpora = shared / "corpora"
    return {
        "financial": "".join(read(p) for p in sorted(glob.glob(str(corpora / "reference/lxml-text/*.txt")))),
        "contracts": "".join(read(p) for p in sorted(glob.glob(str(corpora / "contracts/txt/*.txt")))),
        "chinese": read(corpora / "chinese/hongloumeng.txt"),
    }


def best_rate(function, text, size):
    start = time.perf_counter()
    result = function(text)
    elapsed = time.perf_counter() - start
    tokens = result if isinstance(result, int) else len(result)
    return size / elapsed / 1e6, tokens


def folio_rates(binary, encoding, path):
    output = subprocess.run(
        [binary, "bench", "tokenize", "--encoding", encoding, "--repeat", "3", path],
        check=True, capture_output=True, text=True,
    ).stdout
    rows = [json.loads(line) for line in output.splitlines()]
    return {row["operation"]: (row["best_mb_per_s"], row["tokens"]) for row in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folio", default=str(ROOT / ".build/release/folio"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    shared = pathlib.Path(args.shared)
    if not os.access(args.folio, os.X_OK):
        sys.exit(f"{args.folio} is missing: run `swift build -c release` first")

    texts = inputs(shared)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        files = {}
        for name, text in texts.items():
            files[name] = os.path.join(directory, f"{name}.txt")
            pathlib.Path(files[name]).write_bytes(text.encode("utf-8"))
        for encoding in ("cl100k_base", "o200k_base"):
            tik = tiktoken_local.encoding(shared, encoding)
            bpe = bpe_openai.tokenizer_for_encoding(encoding)
            for name, text in texts.items():
                size = len(text.encode("utf-8"))
                tools = {
                    "tiktoken encode_ordinary": lambda t: tik.encode_ordinary(t),
                    "bpe-openai encode": lambda t: bpe.encode(t),
                    "bpe-openai count": lambda t: bpe.count(t),
                }
                best = {label: 0.0 for label in tools}
                best["folio encode"] = best["folio count"] = 0.0
                counts = {}
                for _ in range(args.rounds):
                    for label, function in tools.items():
                        rate, tokens = best_rate(function, text, size)
                        best[label] = max(best[label], rate)
                        counts[label] = tokens
                    for operation, (rate, tokens) in folio_rates(args.folio, encoding, files[name]).items():
                        best[f"folio {operation}"] = max(best[f"folio {operation}"], rate)
                        counts[f"folio {operation}"] = tokens
                if len(set(counts.values())) != 1:
                    sys.exit(f"token counts disagree on {name} / {encoding}: {counts}")
                row = {"encoding": encoding, "input": name, "bytes": size, "tokens": counts["folio count"], **best}
                row["encode vs tiktoken"] = best["folio encode"] / best["tiktoken encode_ordinary"]
                row["encode vs bpe-openai"] = best["folio encode"] / best["bpe-openai encode"]
                row["count vs bpe-openai count"] = best["folio count"] / best["bpe-openai count"]
                results.append(row)
                print(
                    f"{encoding:12} {name:10} {size / 1e6:5.2f} MB {row['tokens']:>9,} tokens | "
                    f"tiktoken {best['tiktoken encode_ordinary']:6.1f} | bpe-openai {best['bpe-openai encode']:6.1f} "
                    f"(count {best['bpe-openai count']:6.1f}) | folio encode {best['folio encode']:6.1f} "
                    f"count {best['folio count']:6.1f} MB/s | encode ×{row['encode vs tiktoken']:.2f} tiktoken, "
                    f"×{row['encode vs bpe-openai']:.2f} bpe-openai; count ×{row['count vs bpe-openai count']:.2f}",
                    flush=True,
                )
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
