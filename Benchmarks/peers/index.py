#!/usr/bin/env python3
"""Full-text indexing of Folio's chunks with tantivy and SQLite FTS5: same chunks, same run.

    pip install -r Benchmarks/peers/requirements.txt
    swift build -c release
    python3 Benchmarks/peers/index.py [--shared ../shared] [--folio .build/release/folio] [--rounds 3]
                                      [--max-tokens 512] [--heap-mb 128] [--cpu N] [--folio-bench]
                                      [--json F]

Input: the 64 CUAD contracts (../shared/corpora/contracts/txt/*.txt), each cut by
`folio chunk FILE --max-tokens N` (cl100k_base, no overlap; JSON lines with "text" and "headings").
Every chunk becomes one document: body = its text, heading = its heading path joined with "\\n",
contract = the contract's number (0-63). Chunking is not timed. MB = 10^6 UTF-8 bytes of chunk
text (the bodies; headings are indexed but not counted).

Build (all chunks of all contracts in one index, timed from the empty index to the searchable one):

* tantivy (pip `tantivy`, the Rust crate's official binding): in RAM (`tantivy.Index(schema)`, no
  path: tantivy's RamDirectory, nothing touches a disk). Schema: text fields body and heading,
  unstored (indexed with positions only), and contract as an unstored u64 field, indexed and fast.
  Timed: `Index(schema)`, `index.writer(heap_size=--heap-mb MB, num_threads=1)`, `add_document` for
  every chunk, `commit()`, `wait_merging_threads()`. The Documents are built before the clock
  starts (add_document copies them), so Python object construction is not charged to tantivy.
  Variants: tokenizer "default" (split on non-alphanumerics, drop tokens over 40 bytes, lowercase)
  and "en_stem" (the same plus the Snowball English stemmer), on both text fields.
* SQLite FTS5 (Python's sqlite3 and the SQLite it links): `CREATE VIRTUAL TABLE chunks USING
  fts5(body, heading, contract UNINDEXED)` in a fresh `:memory:` database, every chunk inserted by
  one `executemany` in one transaction. Timed: connect, create, insert, commit. FTS5 keeps its own
  copy of each row (its default, non-contentless table), tantivy keeps none. Variants: the default
  tokenizer (unicode61) and `tokenize='porter unicode61'`.

Each build runs once per round, tools round-robin for --rounds rounds so that machine noise hits
them alike; MB/s is the best round.

Queries: for each contract, an index of that contract's chunks alone, per tool and variant (built
untimed, as above). The queries are the 41 CUAD category descriptions, parsed from the "Category:" /
"Description:" lines of contracts/CUAD_v1_README.txt (the 39 that occur in cuad_dev_eval.jsonl if
that fails). They hold punctuation (? ( ) ' “ ” /) that tantivy's query parser rejects, so each is
reduced to its words: every character that is not a letter or digit becomes a space, the rest is
lowercased (so no word reads as an AND/OR/NOT/IN operator) and split on whitespace. Then:

* tantivy: `searcher.search(index.parse_query(" ".join(words), ["body", "heading"]), 10)` (a
  disjunction of the words over both fields, BM25, top 10), with the searcher taken once per index.
* FTS5: `SELECT rowid FROM chunks WHERE chunks MATCH ? ORDER BY bm25(chunks) LIMIT 10` with the
  words double-quoted and OR-joined ("the" OR "name" OR ...), fetchall().

A query's time is the wall time of that one call (parse included). One untimed warm-up pass over
all contracts × queries, then per round one timed pass per tool and variant (round-robin); the
p50/p99/max are over the contracts × queries of one pass, and the pass with the lowest p50 is
reported. The Python garbage collector is off during timed builds and passes (for every tool).

--folio-bench: also runs `FOLIO bench index --max-tokens N FILES...` once per round and reads the
last JSON line of its output with "mbPerSecond", "queryP50Micros" and "queryP99Micros" (its own
build and query timing, in process); the best MB/s and the lowest p50 (with its p99) are reported.
A failure is reported and the peers' figures still print.

Threads: no pinning by default (like chunkers.py and tokenizers.py). tantivy's writer with
num_threads=1 indexes on one thread of its own while the calling thread feeds it, so the process's
CPU time over the wall time ("cpu/wall") is reported beside each build: near 1.0 means one core.
--cpu N pins the process and every thread it starts to CPU N (os.sched_setaffinity).
"""
import argparse
import gc
import glob
import json
import math
import os
import pathlib
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # single thread, should any Rust peer use rayon

ROOT = pathlib.Path(__file__).resolve().parents[2]

try:
    import tantivy
except ImportError as error:
    sys.exit(f"{error}: run `pip install -r Benchmarks/peers/requirements.txt` first")

MB = 1e6


# ---------------------------------------------------------------------------------------------
# Input


def folio_chunks(binary, path, budget):
    completed = subprocess.run([binary, "chunk", path, "--max-tokens", str(budget)], capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"folio chunk {path} failed ({completed.returncode}): {completed.stderr}")
    rows = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return [(row["text"], "\n".join(row.get("headings") or [])) for row in rows]


def cuad_queries(contracts):
    """(source, [(category, description)]): the 41 categories of the README, else the eval file's."""
    readme = contracts / "CUAD_v1_README.txt"
    categories, descriptions = [], []
    if readme.exists():
        for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"\s*(Category|Description):\s*(.*?)\s*$", line)
            if match:
                (categories if match.group(1) == "Category" else descriptions).append(match.group(2))
    if len(categories) == len(descriptions) == 41:
        return "CUAD_v1_README.txt", list(zip(categories, descriptions))
    seen = {}
    with open(contracts / "cuad_dev_eval.jsonl", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            seen.setdefault(row["category"], row["description"])
    return "cuad_dev_eval.jsonl", list(seen.items())


def query_words(description):
    """Letters and digits only, lowercased, split on everything else."""
    return "".join(c.lower() if c.isalnum() else " " for c in description).split()


# ---------------------------------------------------------------------------------------------
# Tools


class Tantivy:
    tool = "tantivy"

    def __init__(self, tokenizer, heap_bytes):
        self.variant, self.heap_bytes = tokenizer, heap_bytes
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name=tokenizer)
        builder.add_text_field("heading", stored=False, tokenizer_name=tokenizer)
        builder.add_unsigned_field("contract", stored=False, indexed=True, fast=True)
        self.schema = builder.build()

    def prepare(self, rows):
        documents = []
        for body, heading, contract in rows:
            document = tantivy.Document()
            document.add_text("body", body)
            document.add_text("heading", heading)
            document.add_unsigned("contract", contract)
            documents.append(document)
        return documents

    def build(self, documents):
        index = tantivy.Index(self.schema)  # no path: in RAM
        writer = index.writer(heap_size=self.heap_bytes, num_threads=1)
        for document in documents:
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        return index

    def count(self, index):
        index.reload()
        return index.searcher().num_docs

    def searcher(self, index):
        index.reload()
        searcher = index.searcher()
        fields = ["body", "heading"]

        def search(words):
            return searcher.search(index.parse_query(" ".join(words), fields), 10).hits

        return search


class FTS5:
    tool = "SQLite FTS5"

    def __init__(self, tokenize):
        self.variant = tokenize or "unicode61"
        options = f", tokenize='{tokenize}'" if tokenize else ""
        self.create = f"CREATE VIRTUAL TABLE chunks USING fts5(body, heading, contract UNINDEXED{options})"

    def prepare(self, rows):
        return rows

    def build(self, rows):
        connection = sqlite3.connect(":memory:", isolation_level=None)
        connection.execute(self.create)
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO chunks(body, heading, contract) VALUES (?, ?, ?)", rows)
        connection.execute("COMMIT")
        return connection

    def count(self, connection):
        return connection.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def searcher(self, connection):
        cursor = connection.cursor()
        sql = "SELECT rowid FROM chunks WHERE chunks MATCH ? ORDER BY bm25(chunks) LIMIT 10"

        def search(words):
            return cursor.execute(sql, (" OR ".join(f'"{word}"' for word in words),)).fetchall()

        return search


def timed_build(tool, prepared):
    gc.collect()
    gc.disable()
    try:
        cpu, start = time.process_time(), time.perf_counter()
        handle = tool.build(prepared)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
    finally:
        gc.enable()
    return wall, cpu, handle


def query_pass(searchers, queries, timed=True):
    """Microseconds of every (contract, query) search; also the number of searches with no hit."""
    micros, empty = [], 0
    gc.collect()
    gc.disable()
    try:
        for search in searchers:
            for words in queries:
                start = time.perf_counter()
                hits = search(words)
                elapsed = time.perf_counter() - start
                micros.append(elapsed * 1e6)
                empty += not hits
    finally:
        gc.enable()
    return micros, empty


def percentile(values, fraction):
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


# ---------------------------------------------------------------------------------------------
# Folio


def folio_bench(binary, budget, paths, descriptions):
    """The JSON row of `folio bench index`, or an error message."""
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write("\n".join(descriptions) + "\n")
    command = [binary, "bench", "index", "--max-tokens", str(budget), "--queries", handle.name, *paths]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"`{binary} bench index` could not run: {error}"
    if completed.returncode != 0:
        message = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
        return None, f"`{binary} bench index` failed ({completed.returncode}): {message[0] if message else 'no output'}"
    for line in reversed(completed.stdout.splitlines()):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and "mbPerSecond" in row:
            return row, None
    return None, f"`{binary} bench index` printed no JSON line with mbPerSecond"


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folio", default=str(ROOT / ".build/release/folio"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--heap-mb", type=int, default=128, help="tantivy writer heap (at least 15)")
    parser.add_argument("--cpu", type=int, help="pin the process and its threads to this CPU")
    parser.add_argument("--folio-bench", action="store_true", help="also run `folio bench index`")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not os.access(args.folio, os.X_OK):
        sys.exit(f"{args.folio} is missing: run `swift build -c release` first (or pass --folio PATH)")
    if "ENABLE_FTS5" not in {row[0] for row in sqlite3.connect(":memory:").execute("PRAGMA compile_options")}:
        sys.exit(f"this Python's SQLite {sqlite3.sqlite_version} has no FTS5")
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # before any tantivy thread exists: they inherit it

    contracts = pathlib.Path(args.shared) / "corpora/contracts"
    paths = sorted(glob.glob(str(contracts / "txt/*.txt")))
    if not paths:
        sys.exit(f"no contracts in {contracts / 'txt'}")
    per_contract = [folio_chunks(args.folio, path, args.max_tokens) for path in paths]
    rows = [(body, heading, number) for number, chunks in enumerate(per_contract) for body, heading in chunks]
    size = sum(len(body.encode("utf-8")) for body, _, _ in rows)
    query_source, categories = cuad_queries(contracts)
    queries = [query_words(description) for _, description in categories]
    print(f"{len(paths)} contracts, {len(rows):,} chunks, {size / MB:.3f} MB of chunk text; "
          f"{len(queries)} queries from {query_source}", file=sys.stderr, flush=True)

    heap = args.heap_mb * 1_000_000
    tools = [Tantivy("default", heap), Tantivy("en_stem", heap), FTS5(None), FTS5("porter unicode61")]
    results = {(tool.tool, tool.variant): {"tool": tool.tool, "variant": tool.variant, "seconds": float("inf")}
               for tool in tools}
    prepared = {id(tool): tool.prepare(rows) for tool in tools}
    searchers = {}
    for tool in tools:
        handles = [tool.build(tool.prepare([row for row in rows if row[2] == number])) for number in range(len(paths))]
        searchers[id(tool)] = [tool.searcher(handle) for handle in handles]
        searchers[id(tool), "handles"] = handles  # keep the indexes alive
        query_pass(searchers[id(tool)], queries)  # warm-up
    folio_rows, folio_error = [], None

    for round_number in range(args.rounds):
        for tool in tools:
            result = results[tool.tool, tool.variant]
            wall, cpu, handle = timed_build(tool, prepared[id(tool)])
            documents = tool.count(handle)
            if documents != len(rows):
                sys.exit(f"{tool.tool} {tool.variant} indexed {documents} documents, not {len(rows)}")
            del handle
            if wall < result["seconds"]:
                result.update(seconds=wall, mb_per_s=size / wall / MB, cpu_over_wall=cpu / wall)
            micros, empty = query_pass(searchers[id(tool)], queries)
            p50 = statistics.median(micros)
            if p50 < result.get("query_p50_us", float("inf")):
                result.update(query_p50_us=p50, query_p99_us=percentile(micros, 0.99), query_max_us=max(micros),
                              query_mean_us=statistics.fmean(micros), queries_without_hits=empty,
                              queries_timed=len(micros))
            print(f"round {round_number + 1}: {tool.tool:11} {tool.variant:17} {size / wall / MB:7.2f} MB/s "
                  f"(cpu/wall {cpu / wall:.2f})  query p50 {p50:7.1f} µs  p99 {percentile(micros, 0.99):8.1f} µs",
                  file=sys.stderr, flush=True)
        if args.folio_bench and folio_error is None:
            row, folio_error = folio_bench(args.folio, args.max_tokens, paths, [d for _, d in categories])
            if row:
                folio_rows.append(row)
                print(f"round {round_number + 1}: Folio       {row}", file=sys.stderr, flush=True)
            else:
                print(f"warning: {folio_error}", file=sys.stderr, flush=True)

    table = list(results.values())
    if folio_rows:
        fastest = max(folio_rows, key=lambda row: row.get("mbPerSecond") or 0)
        quickest = min(folio_rows, key=lambda row: row.get("queryP50Micros", float("inf")))
        table.insert(0, {"tool": "Folio", "variant": "folio bench index", "mb_per_s": fastest.get("mbPerSecond"),
                         "query_p50_us": quickest.get("queryP50Micros"), "query_p99_us": quickest.get("queryP99Micros"),
                         "query_max_us": quickest.get("queryMaxMicros"), "raw": folio_rows})
    elif args.folio_bench:
        table.insert(0, {"tool": "Folio", "variant": "folio bench index", "error": folio_error})

    def cell(value, digits):
        return "—" if value is None else f"{value:,.{digits}f}"

    print(f"\n{len(paths)} CUAD contracts, {len(rows):,} chunks of ≤ {args.max_tokens} cl100k tokens "
          f"(folio chunk), {size / MB:.3f} MB of chunk text (MB = 10^6 bytes); build best of {args.rounds} rounds; "
          f"queries: {len(queries)} CUAD descriptions × {len(paths)} per-contract indexes, top 10, "
          f"pass with the lowest p50\n")
    print("| tool | variant | build MB/s | cpu/wall | query p50 µs | query p99 µs | query max µs | queries without hits |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in table:
        if "error" in row:
            print(f"| {row['tool']} | {row['variant']} | failed: {row['error']} | | | | | |")
            continue
        print(f"| {row['tool']} | {row['variant']} | {cell(row.get('mb_per_s'), 2)} | {cell(row.get('cpu_over_wall'), 2)} "
              f"| {cell(row.get('query_p50_us'), 1)} | {cell(row.get('query_p99_us'), 1)} "
              f"| {cell(row.get('query_max_us'), 1)} | {cell(row.get('queries_without_hits'), 0)} |")

    summary = {
        "benchmark": "index",
        "contracts": len(paths),
        "chunks": len(rows),
        "chunk_text_bytes": size,
        "max_tokens": args.max_tokens,
        "rounds": args.rounds,
        "queries": len(queries),
        "query_source": query_source,
        "tantivy_storage": "RAM (tantivy.Index(schema), no path)",
        "tantivy_heap_bytes": heap,
        "cpu": args.cpu,
        "results": table,
        "versions": {
            "tantivy": getattr(tantivy, "__version__", None),
            "sqlite": sqlite3.sqlite_version,
            "python": platform.python_version(),
            "folio": args.folio,
        },
    }
    print("\n" + json.dumps(summary, ensure_ascii=False))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
