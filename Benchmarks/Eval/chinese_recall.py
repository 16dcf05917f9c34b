#!/usr/bin/env python3
"""Passage recall of `folio pack` on two Chinese novels, with questions worded like a reader's.

    python3 Benchmarks/Eval/chinese_recall.py [--folio .build/release/folio] [--budgets 512,1024,2048]
        [--extra "--chunk-tokens 192"] [--label NAME]

Each line of chinese_questions.jsonl (beside this script) asks, in modern standard Chinese, about one
episode of 红楼梦 or 西游记 in ../shared/corpora/chinese, and gives an exact substring of the novel
inside the passage that answers it. The question is packed against its novel with
`folio pack --batch --budget N` (plus --extra, split like a shell line, so that variants can be
compared under their own --label); it is a hit when that substring lies inside one returned span.

Items are of two kinds: "paraphrase" questions share few words with the passage (modern wording,
synonyms, a description rather than a quote), "lexical" ones name its distinctive words. The gap
between the two is what the evaluation is for: lexical retrieval finds the second kind easily.

Prints a Markdown table (one row per budget: overall, per kind, per novel, then "near": the share of
items whose answer is inside or within NEAR characters of a returned span, which tells a pack that
found the episode but stopped short of the line from one that found nothing; mean tokens, packs over
budget) and one JSON line with every figure and the missed ids.
"""
import argparse, collections, json, os, shlex, subprocess, sys, tempfile, time

from cuad_recall import run_batch  # beside this script: `folio pack --batch` and its output, read once

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpora", "chinese")
NEAR = 200  # characters: about three of pack's default 96-token chunks (~58 characters each here)


def extract(folio, path):
    """The document text Folio packs from: spans are Unicode-scalar offsets into it."""
    out = subprocess.run([folio, "extract", path], check=False, capture_output=True)
    if out.returncode != 0:
        sys.exit(f"folio extract {path} failed ({out.returncode}): {out.stderr.decode(errors='replace')[:2000]}")
    # Decoded by hand: text=True would turn the novels' CRLF into LF and shift every offset after line 1.
    return out.stdout.decode("utf-8")


def locate(items, texts):
    """Sets each item's (start, end) in its novel's text (Python indices are Unicode scalars)."""
    for item in items:
        text = texts[item["novel"]]
        start = text.find(item["answer"])
        if start < 0:
            sys.exit(f"{item['id']}: answer {item['answer']!r} is not in the text of {item['novel']}")
        count = text.count(item["answer"])
        if count > 1:
            print(f"{item['id']}: answer occurs {count} times; only the first counts", file=sys.stderr)
        item["start"], item["end"] = start, start + len(item["answer"])


def hit(item, spans):
    return any(s <= item["start"] and item["end"] <= e for s, e in spans)


def near(item, spans):
    return any(s - NEAR <= item["end"] and item["start"] <= e + NEAR for s, e in spans)


def percent(hits, total):
    return f"{100 * hits / total:.0f} % ({hits}/{total})" if total else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folio", default=os.path.join(ROOT, ".build", "release", "folio"))
    parser.add_argument("--budgets", default="512,1024,2048")
    parser.add_argument("--questions", default=os.path.join(HERE, "chinese_questions.jsonl"))
    parser.add_argument("--shared", default=SHARED, help="directory holding the novels")
    parser.add_argument("--extra", default="", help="more `folio pack` arguments, one shell-style string")
    parser.add_argument("--label", default=None, help="name of the table rows (default: folio [extra])")
    args = parser.parse_args()
    extra = shlex.split(args.extra)
    label = args.label or " ".join(["folio", *extra])
    budgets = [int(b) for b in args.budgets.split(",")]

    items = [json.loads(l) for l in open(args.questions, encoding="utf-8") if l.strip()]
    novels = sorted({item["novel"] for item in items})
    paths = {novel: os.path.join(args.shared, novel) for novel in novels}
    locate(items, {novel: extract(args.folio, paths[novel]) for novel in novels})

    workdir = tempfile.mkdtemp(prefix="chinese-eval-")
    queries_path = os.path.join(workdir, "queries.jsonl")
    with open(queries_path, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps({"id": item["id"], "path": paths[item["novel"]], "query": item["question"]},
                               ensure_ascii=False) + "\n")

    # Columns: every item, then each kind, then each novel (in the order of the table).
    kinds = ["paraphrase", "lexical"]
    groups = [("all", lambda item: True)] + [(k, lambda item, k=k: item["kind"] == k) for k in kinds] \
        + [(n.removesuffix(".txt"), lambda item, n=n: item["novel"] == n) for n in novels]
    results = {}
    for budget in budgets:
        started = time.perf_counter()
        packs = run_batch(args.folio, queries_path, budget, extra)
        seconds = time.perf_counter() - started
        hits, totals = collections.Counter(), collections.Counter()
        misses, close, over_budget, tokens = [], 0, 0, 0
        for item in items:
            pack = packs[item["id"]]
            if "error" in pack:
                sys.exit(f"{item['id']}: {pack['error']}")
            over_budget += pack["tokens"] > budget
            tokens += pack["tokens"]
            spans = [tuple(s) for s in pack["spans"]]
            found = hit(item, spans)
            close += near(item, spans)
            if not found:
                misses.append(item["id"])
            for name, member in groups:
                if member(item):
                    totals[name] += 1
                    hits[name] += found
        results[budget] = {"hits": dict(hits), "totals": dict(totals), "misses": misses, "near": close,
                           "overBudget": over_budget, "meanTokens": tokens / len(items), "seconds": seconds}
        print(f"{label} @ {budget}: {hits['all']}/{len(items)} ({seconds:.1f} s)", file=sys.stderr)

    names = [name for name, _ in groups]
    print("| run | budget | " + " | ".join(names) + f" | near (±{NEAR} chars) | mean tokens | over budget | seconds |")
    print("|---|---:|" + "---:|" * (len(names) + 4))
    for budget in budgets:
        r = results[budget]
        cells = [percent(r["hits"].get(n, 0), r["totals"].get(n, 0)) for n in names]
        print(f"| {label} | {budget} | " + " | ".join(cells) + f" | {percent(r['near'], len(items))}"
              + f" | {r['meanTokens']:.0f} | {r['overBudget']} | {r['seconds']:.1f} |")
    print()
    print(json.dumps({"label": label, "extra": extra, "items": len(items),
                      "overBudget": sum(r["overBudget"] for r in results.values()),
                      "hitRate": {b: {n: round(r["hits"].get(n, 0) / r["totals"][n], 4) for n in names}
                                  for b, r in results.items()},
                      "near": {b: round(r["near"] / len(items), 4) for b, r in results.items()},
                      "misses": {b: r["misses"] for b, r in results.items()},
                      "seconds": {b: round(r["seconds"], 2) for b, r in results.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
