#!/usr/bin/env python3
"""Folio's chunker against text-splitter and chonkie: same inputs, same run, single thread.

    pip install -r Benchmarks/peers/requirements.txt
    swift build -c release
    python3 Benchmarks/peers/chunkers.py [--shared ../shared] [--rounds 3] [--max-tokens 512]
                                         [--inputs filing,contracts,chinese] [--only-peers] [--json F]

Inputs (from ../shared/corpora), each one string, written to a temporary file as UTF-8 for Folio:
*filing* = the lxml-extracted text of the seven filings (reference/lxml-text/*.txt), *contracts* =
the 64 CUAD contracts (contracts/txt/*.txt), *chinese* = hongloumeng.txt and xiyouji.txt (CRLF
kept); the files of each input are joined with "\\n\\n".

Tools, all with the cl100k_base tokenizer and a budget of --max-tokens tokens per chunk, no overlap:

* Folio: `folio chunk FILE --max-tokens N --overlap 0 --encoding cl100k_base` for the chunks (JSON
  lines with Unicode-scalar `start`/`end`, `tokens`, `text`), `folio bench chunk FILE --max-tokens N
  --repeat R --encoding cl100k_base` for the speed (in process, the chunking of the ingested
  document alone, one thread; best of R after a warm-up, per round).
* text-splitter (pip `semantic-text-splitter`, the Rust `text-splitter` crate):
  `TextSplitter.from_tiktoken_model("gpt-3.5-turbo", N)`, defaults otherwise (trim=True), timed
  `chunk_indices(text)`. Its cl100k ranks are compiled into the wheel (tiktoken-rs), nothing is
  downloaded. Offsets are Python character offsets; end = offset + len(chunk).
* chonkie: `RecursiveChunker(tokenizer=<tiktoken Encoding>, chunk_size=N)` with its default rules,
  timed `chunk(text)`; the Encoding is built from ../shared/vocab by Scripts/tiktoken_local.py
  (chonkie's string tokenizers would download from the Hugging Face hub). Chunks carry
  `start_index`/`end_index` (character offsets). chonkie memoizes token counts in an lru_cache on
  the class, which would carry over from one round to the next; it is cleared before each run.

Tools run round-robin for --rounds rounds (per input: Folio, text-splitter, chonkie, repeated) so
that machine noise hits them alike; each speed is the best round, MB/s = 10^6 bytes of UTF-8 input
over the chunking time (tokenizer and chunker construction are outside the timing). The chunk
figures come from the last round's output and are judged by the same function for every tool:

* chunks: number of chunks. over: chunks whose tiktoken cl100k count (`encode_ordinary` of the
  chunk's text as the tool emits it, which is input[start:end] unless "text mismatches" says
  otherwise) exceeds the budget. fill: that count / budget, mean and median over all chunks.
* boundary: the share of chunks that end at a sentence, block or section boundary. With
  p = the end of the chunk once trailing whitespace is dropped (p = start + len(input[start:end].rstrip())),
  a chunk ends at a boundary if
    (a) the whitespace run of the input from p up to the next non-whitespace character contains
        "\\n", or nothing but whitespace follows p (end of input); or
    (b) the stripped chunk ends with a sentence terminator  . ! ? … 。 ！ ？ ； ． ｡  (so also "..."),
        optionally followed by closing characters  " ' ” ’ ) ] } 」 』 ） 》 〉 】  .
  The fullwidth full stop ． (U+FF0E, with its halfwidth form ｡ U+FF61) is on the list because
  hongloumeng.txt ends its sentences with it (19,729 times, against 8,521 。); without it, 716 of
  text-splitter's 5,223 chunk ends on *chinese* at 512 tokens (all after a ．) count as mid-sentence
  and its rate drops from 99.9 % to 85.7 %.
  Whitespace is Python's (str.isspace, regex \\s), so CR, tab and U+3000 count as whitespace.
* boundary+: the same, except that in (a) a run of four or more spaces, or a tab, also separates
  blocks. The CUAD contracts were converted from PDF and separate paragraphs, list items and
  signature lines that way on one line ("agree as follows:     1. DEFINITIONS."); Folio's
  plain-text reader starts a new block there, so it cuts there when a block boundary fills a chunk
  best, which the newline-only judge counts as mid-sentence. Both figures are reported.
  The judge looks at the input after p, not at the chunk's text, so trimming (text-splitter) or
  keeping whitespace (Folio, chonkie) makes no difference to it. A chunk that ends inside a
  character (below) never ends at a boundary.
* text mismatches: chunks whose emitted text differs from input[start:end] (start/end as the tool
  reports them). utf8 splits: chunks whose text holds more U+FFFD than input[start:end], i.e. the
  tool cut inside a character's UTF-8 bytes and decoded the pieces with replacement characters.
  token mismatches: chunks whose own token count (Folio's `tokens`, chonkie's `token_count`)
  differs from the judge's count of the emitted text (text-splitter reports none); with no text
  mismatches that is the count of input[start:end]. lost: non-whitespace characters of the input
  that lie in no chunk (whitespace between chunks is not lost: text-splitter trims it).

A tool that cuts inside a character and decodes the pieces (chonkie at its last, token-level
rule) emits texts that are longer than the source by the extra U+FFFDs, and since chonkie derives
each offset by adding up the lengths of the texts before it, the later offsets in that block drift.
So before the boundary and coverage checks, a chunk whose text does not equal input[start:end] is
located in the input: its text without leading/trailing U+FFFD is searched for just after the
previous chunk's end, and a piece of a character at either edge extends the span over that whole
character. Chunks that cannot be located keep their reported offsets and are counted in the JSON
as "unlocated".
"""
import argparse
import glob
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # single thread, should any Rust peer use rayon
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts"))
import tiktoken_local  # noqa: E402

try:
    from chonkie import RecursiveChunker
    from semantic_text_splitter import TextSplitter
except ImportError as error:
    sys.exit(f"{error}: run `pip install -r Benchmarks/peers/requirements.txt` first")

MB = 1e6
REPLACEMENT = "\ufffd"
# . ! ? … 。 ！ ？ ； and the fullwidth and halfwidth full stops ． ｡ (hongloumeng.txt ends 19,729 sentences with ．)
TERMINATORS = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f", "\uff1b", "\uff0e", "\uff61")
CLOSERS = "\"'\u201d\u2019)]}\u300d\u300f\uff09\u300b\u3009\u3011"  # " ' ” ’ ) ] } 」 』 ） 》 〉 】
WHITESPACE_RUN = re.compile(r"\s*")


def read(path):
    return pathlib.Path(path).read_bytes().decode("utf-8", errors="replace")


def inputs(shared, names):
    corpora = shared / "corpora"
    sources = {
        "filing": sorted(glob.glob(str(corpora / "reference/lxml-text/*.txt"))),
        "contracts": sorted(glob.glob(str(corpora / "contracts/txt/*.txt"))),
        "chinese": [corpora / "chinese/hongloumeng.txt", corpora / "chinese/xiyouji.txt"],
    }
    return {name: "\n\n".join(read(path) for path in sources[name]) for name in names}


# ---------------------------------------------------------------------------------------------
# The judge


SPACED_BLOCK = re.compile(r"[ \t]*(?: {4}|\t)")


def ends_at_boundary(text, start, end, spaced_blocks=False):
    """Whether the chunk input[start:end] ends at a sentence, block or section boundary (see the
    module docstring): (a) a newline or the end of the input follows its last non-whitespace
    character, or (b) it ends with a terminator, optionally followed by closing characters."""
    stripped = text[start:end].rstrip()
    p = start + len(stripped)
    q = WHITESPACE_RUN.match(text, p).end()
    if q == len(text) or "\n" in text[p:q]:
        return True
    if spaced_blocks and SPACED_BLOCK.match(text, p):
        return True
    return stripped.rstrip(CLOSERS).endswith(TERMINATORS)


def locate(text, chunks):
    """(start, end, ends inside a character) of each chunk in the input; see the module docstring.
    `chunks` holds (start, end, chunk text) as the tool reported them. Also returns the number of
    chunks that could not be located."""
    spans, unlocated, previous_end = [], 0, 0
    for start, end, chunk in chunks:
        if text[start:end] == chunk:
            spans.append((start, end, False))
            previous_end = end
            continue
        core = chunk.strip(REPLACEMENT)
        lead = chunk.startswith(REPLACEMENT) and len(core) < len(chunk)
        trail = chunk.endswith(REPLACEMENT) and len(core) < len(chunk)
        # The previous chunk may have been extended over a split character this chunk finishes.
        origin = max(0, previous_end - 1)
        found = text.find(core, origin, origin + len(chunk) + 8) if core else -1
        if found < 0:
            unlocated += 1
            spans.append((start, end, False))
            previous_end = end
            continue
        begin = found - 1 if lead and found > 0 else found
        finish = found + len(core)
        inside = trail and finish < len(text)
        spans.append((begin, finish + 1 if inside else finish, inside))
        previous_end = spans[-1][1]
    return spans, unlocated


def lost_characters(text, spans):
    """Non-whitespace characters of the input that lie in no chunk."""
    lost, covered = 0, 0
    for start, end, _ in sorted(spans):
        if start > covered:
            lost += len(re.sub(r"\s+", "", text[covered:start]))
        covered = max(covered, end)
    return lost + len(re.sub(r"\s+", "", text[covered:]))


def judge(text, chunks, budget, encoding):
    """The figures of one tool's chunks. `chunks`: (start, end, text, tokens or None) as reported."""
    reported = [(start, end, chunk) for start, end, chunk, _ in chunks]
    spans, unlocated = locate(text, reported)
    counts = [len(encoding.encode_ordinary(chunk)) for _, _, chunk in reported]
    fills = [count / budget for count in counts]
    with_tokens = [(tokens, count) for (_, _, _, tokens), count in zip(chunks, counts) if tokens is not None]
    return {
        "chunks": len(chunks),
        "over": sum(count > budget for count in counts),
        "max_tokens_seen": max(counts, default=0),
        "boundary": sum(
            not inside and ends_at_boundary(text, start, end) for start, end, inside in spans
        ) / max(len(spans), 1),
        "boundary_spaced": sum(
            not inside and ends_at_boundary(text, start, end, spaced_blocks=True) for start, end, inside in spans
        ) / max(len(spans), 1),
        "mean_fill": statistics.fmean(fills) if fills else 0.0,
        "median_fill": statistics.median(fills) if fills else 0.0,
        "utf8_splits": sum(
            chunk.count(REPLACEMENT) > text[start:end].count(REPLACEMENT) for start, end, chunk in reported
        ),
        "mismatched_text": sum(text[start:end] != chunk for start, end, chunk in reported),
        "token_mismatches": sum(tokens != count for tokens, count in with_tokens) if with_tokens else None,
        "tokens_reported_minus_counted": sum(tokens - count for tokens, count in with_tokens) if with_tokens else None,
        "ends_inside_character": sum(inside for _, _, inside in spans),
        "unlocated": unlocated,
        "lost_characters": lost_characters(text, spans),
        "blank_chunks": sum(not chunk.strip() for _, _, chunk in reported),
    }


# ---------------------------------------------------------------------------------------------
# Tools


def timed(function, text):
    start = time.perf_counter()
    result = function(text)
    return time.perf_counter() - start, result


class TextSplitterTool:
    name = "text-splitter"

    def __init__(self, budget, encoding):
        self.splitter = TextSplitter.from_tiktoken_model("gpt-3.5-turbo", budget)

    def run(self, text):
        return timed(self.splitter.chunk_indices, text)

    @staticmethod
    def chunks(result):
        return [(offset, offset + len(chunk), chunk, None) for offset, chunk in result]


class ChonkieTool:
    name = "chonkie"

    def __init__(self, budget, encoding):
        self.chunker = RecursiveChunker(tokenizer=encoding, chunk_size=budget)

    def run(self, text):
        RecursiveChunker._estimate_token_count.cache_clear()
        return timed(self.chunker.chunk, text)

    @staticmethod
    def chunks(result):
        return [(chunk.start_index, chunk.end_index, chunk.text, chunk.token_count) for chunk in result]


class FolioTool:
    name = "Folio"

    def __init__(self, binary, budget, repeat):
        self.binary, self.budget, self.repeat = binary, budget, repeat

    def rate(self, path):
        output = subprocess.run(
            [self.binary, "bench", "chunk", path, "--max-tokens", str(self.budget), "--repeat", str(self.repeat),
             "--encoding", "cl100k_base"],
            check=True, capture_output=True, text=True,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        return row["best_mb_per_s"], row

    def chunks(self, path):
        output = subprocess.run(
            [self.binary, "chunk", path, "--max-tokens", str(self.budget), "--overlap", "0",
             "--encoding", "cl100k_base"],
            check=True, capture_output=True, text=True,
        ).stdout
        rows = [json.loads(line) for line in output.splitlines() if line.strip()]
        return [(row["start"], row["end"], row.get("text"), row.get("tokens")) for row in rows]


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folio", default=str(ROOT / ".build/release/folio"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per round inside `folio bench chunk`")
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--inputs", default="filing,contracts,chinese", help="comma-separated subset")
    parser.add_argument("--only-peers", action="store_true", help="run without Folio")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    shared = pathlib.Path(args.shared)
    names = [name for name in args.inputs.split(",") if name]
    unknown = set(names) - {"filing", "contracts", "chinese"}
    if unknown:
        sys.exit(f"unknown inputs: {', '.join(sorted(unknown))}")
    if not args.only_peers and not os.access(args.folio, os.X_OK):
        sys.exit(f"{args.folio} is missing: run `swift build -c release` first (or pass --only-peers)")

    budget = args.max_tokens
    encoding = tiktoken_local.encoding(shared, "cl100k_base")
    peers = [TextSplitterTool(budget, encoding), ChonkieTool(budget, encoding)]
    folio = None if args.only_peers else FolioTool(args.folio, budget, args.repeat)
    texts = inputs(shared, names)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for name, text in texts.items():
            size = len(text.encode("utf-8"))
            path = os.path.join(directory, f"{name}.txt")
            pathlib.Path(path).write_bytes(text.encode("utf-8"))
            best, outputs = {}, {}
            for _ in range(args.rounds):
                if folio:
                    rate, row = folio.rate(path)
                    best[folio.name] = max(best.get(folio.name, 0.0), rate)
                    if row.get("bytes") not in (None, size):
                        print(f"warning: folio bench reports {row['bytes']} bytes for {name}, not {size}",
                              file=sys.stderr)
                for tool in peers:
                    elapsed, result = tool.run(text)
                    best[tool.name] = max(best.get(tool.name, 0.0), size / elapsed / MB)
                    outputs[tool.name] = result
            chunks = {tool.name: tool.chunks(outputs[tool.name]) for tool in peers}
            if folio:
                spans = folio.chunks(path)
                if any(chunk is None for _, _, chunk, _ in spans):
                    print("warning: folio chunk printed no text; judging input[start:end]", file=sys.stderr)
                    spans = [(s, e, text[s:e] if chunk is None else chunk, t) for s, e, chunk, t in spans]
                chunks = {folio.name: spans, **chunks}
            for label, spans in chunks.items():
                row = {"input": name, "bytes": size, "characters": len(text), "tool": label,
                       "max_tokens": budget, "mb_per_s": best[label], **judge(text, spans, budget, encoding)}
                row["folio_ratio"] = best[folio.name] / best[label] if folio and label != folio.name else None
                results.append(row)
                print(f"{name:9} {label:13} {row['mb_per_s']:7.2f} MB/s  {row['chunks']:6,} chunks  "
                      f"over {row['over']:4}  boundary {100 * row['boundary']:5.1f} % (+ {100 * row['boundary_spaced']:5.1f} %)  "
                      f"fill {100 * row['mean_fill']:5.1f} % (median {100 * row['median_fill']:5.1f} %)  "
                      f"utf8 {row['utf8_splits']}  text≠ {row['mismatched_text']}  "
                      f"tokens≠ {row['token_mismatches']} ({row['tokens_reported_minus_counted']})  "
                      f"lost {row['lost_characters']}  mid-char ends {row['ends_inside_character']}  "
                      f"unlocated {row['unlocated']}",
                      file=sys.stderr, flush=True)

    print(f"\ncl100k_base, budget {budget} tokens, best of {args.rounds} rounds, MB = 10^6 bytes of UTF-8 input\n")
    print("| input | MB | tool | MB/s | Folio ÷ tool | chunks | over budget | boundary | boundary+ | mean fill | median fill "
          "| utf8 splits | text mismatches | token mismatches | lost chars |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        ratio = "—" if row["folio_ratio"] is None else f"{row['folio_ratio']:.2f}×"
        tokens = "—" if row["token_mismatches"] is None else f"{row['token_mismatches']:,}"
        print(f"| {row['input']} | {row['bytes'] / MB:.2f} | {row['tool']} | {row['mb_per_s']:.2f} | {ratio} "
              f"| {row['chunks']:,} | {row['over']:,} | {100 * row['boundary']:.1f} % | {100 * row['boundary_spaced']:.1f} % "
              f"| {100 * row['mean_fill']:.1f} % | {100 * row['median_fill']:.1f} % | {row['utf8_splits']:,} "
              f"| {row['mismatched_text']:,} | {tokens} | {row['lost_characters']:,} |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
