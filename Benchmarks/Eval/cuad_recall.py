#!/usr/bin/env python3
"""Clause recall of `folio pack` on the CUAD dev set, beside two baselines computed in the same run.

    python3 Benchmarks/Eval/cuad_recall.py [--folio .build/release/folio] [--budgets 1024,2048,4096]

For each (contract, category) line of ../shared/corpora/contracts/cuad_dev_eval.jsonl the category
description is packed against the contract; the item is a hit when every labelled clause (every
piece of a clause written `a<omitted>b`) lies inside one returned span. Three methods, each through
`folio pack --batch` or `folio chunk`, at each budget (cl100k_base):

- folio: `folio pack --batch` with its defaults (the method under test);
- bm25-512: BM25 over 512-token chunks taken in score order, no opening, no neighbours
  (`folio pack --batch --chunk-tokens 512 --lead-share 0 --neighbours 0 --context-weight 0`);
- first-chunks: the contract's 512-token chunks (`folio chunk --max-tokens 512`) in document order
  while the text from the start through the chunk fits the budget (exactly counted with tiktoken).

Prints a Markdown table (overall and per category) and one JSON line with every figure.
"""
import argparse, collections, json, os, shlex, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpora", "contracts")


def pieces(item):
    """Every (start, end) that must be inside a span."""
    for clause in item["clauses"]:
        if clause.get("start") is not None:
            yield clause["start"], clause["end"]
        for segment in clause.get("segments") or []:
            yield segment["start"], segment["end"]


def hit(item, spans):
    return all(any(s <= start and end <= e for s, e in spans) for start, end in pieces(item))


def run_batch(folio, queries_path, budget, extra):
    out = subprocess.run([folio, "pack", "--batch", queries_path, "--budget", str(budget), *extra],
                         check=False, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"folio pack --batch failed ({out.returncode}): {out.stderr[:2000]}")
    return {line["id"]: line for line in map(json.loads, out.stdout.splitlines())}


def first_chunks(folio, items, budget, encoding):
    spans = {}
    cache = {}
    for item in items:
        path = os.path.join(SHARED, "txt", item["contract"])
        if path not in cache:
            chunks = [json.loads(l) for l in subprocess.run(
                [folio, "chunk", "--max-tokens", "512", path], check=True, capture_output=True, text=True).stdout.splitlines()]
            text = open(path, encoding="utf-8", newline="").read()
            cache[path] = (chunks, text)
        chunks, text = cache[path]
        end = 0
        for chunk in chunks:
            if len(encoding.encode_ordinary(text[:chunk["end"]])) > budget:
                break
            end = chunk["end"]
        spans[item["id"]] = {"tokens": len(encoding.encode_ordinary(text[:end])), "spans": [[0, end]] if end else []}
    return spans


def query_text(item, form):
    """What a user would ask: the category's name and its description, or the description alone."""
    return f"{item['category']}: {item['description']}" if form == "category" else item["description"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folio", default=os.path.join(ROOT, ".build", "release", "folio"))
    parser.add_argument("--budgets", default="1024,2048,4096")
    parser.add_argument("--eval", default=os.path.join(SHARED, "cuad_dev_eval.jsonl"))
    parser.add_argument("--extra", default=os.environ.get("FOLIO_EVAL_EXTRA", ""),
                        help="arguments added to the folio method's `folio pack` (e.g. \"--no-vectors\")")
    parser.add_argument("--split", choices=["all", "a", "b"], default="all",
                        help="a: the contracts at even places in name order, b: the odd ones (tune on one, report the "
                             "other)")
    parser.add_argument("--only", default=None, help="comma-separated methods to run")
    parser.add_argument("--query", choices=["category", "description"], default="category",
                        help="category: \"<category>: <description>\" (default); description: the description alone")
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "Scripts"))
    import tiktoken_local  # tiktoken over ../shared/vocab (it cannot download here)
    from pathlib import Path
    encoding = tiktoken_local.encoding(Path(os.path.dirname(os.path.dirname(SHARED))), "cl100k_base")

    items = [json.loads(l) for l in open(args.eval, encoding="utf-8")]
    if args.split != "all":
        contracts = sorted({item["contract"] for item in items})
        keep = set(contracts[0 if args.split == "a" else 1::2])
        items = [item for item in items if item["contract"] in keep]
    for number, item in enumerate(items):
        item["id"] = number
    workdir = tempfile.mkdtemp(prefix="cuad-eval-")
    queries_path = os.path.join(workdir, "queries.jsonl")
    with open(queries_path, "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps({"id": item["id"], "path": os.path.join(SHARED, "txt", item["contract"]),
                                "query": query_text(item, args.query)}) + "\n")

    methods = {
        "folio": lambda b: run_batch(args.folio, queries_path, b, shlex.split(args.extra)),
        "bm25-512": lambda b: run_batch(args.folio, queries_path, b, ["--chunk-tokens", "512", "--lead-share", "0", "--neighbours", "0", "--context-weight", "0", "--no-vectors"]),
        "first-chunks": lambda b: first_chunks(args.folio, items, b, encoding),
    }
    if args.only:
        methods = {k: v for k, v in methods.items() if k in args.only.split(",")}
    budgets = [int(b) for b in args.budgets.split(",")]
    results = {}
    over_budget = 0
    for name, method in methods.items():
        for budget in budgets:
            started = time.perf_counter()
            packs = method(budget)
            seconds = time.perf_counter() - started
            hits = collections.Counter()
            totals = collections.Counter()
            for item in items:
                pack = packs[item["id"]]
                if pack["tokens"] > budget:
                    over_budget += 1
                totals[item["category"]] += 1
                if hit(item, [tuple(s) for s in pack["spans"]]):
                    hits[item["category"]] += 1
            results[(name, budget)] = {"recall": sum(hits.values()) / len(items), "hits": dict(hits),
                                       "seconds": seconds}
            print(f"{name} @ {budget}: {sum(hits.values())}/{len(items)} = {100 * sum(hits.values()) / len(items):.1f} % ({seconds:.1f} s)", file=sys.stderr)

    names = list(methods)
    print("| method | " + " | ".join(f"recall @ {b}" for b in budgets) + " |")
    print("|---|" + "---:|" * len(budgets))
    for name in names:
        print(f"| {name} | " + " | ".join(f"{100 * results[(name, b)]['recall']:.1f} %" for b in budgets) + " |")
    print()
    categories = sorted({item["category"] for item in items}, key=lambda c: -sum(1 for i in items if i["category"] == c))
    counts = collections.Counter(item["category"] for item in items)
    middle = budgets[len(budgets) // 2]
    print(f"Per category at {middle} tokens:\n")
    print("| category | items | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for category in categories:
        cells = [f"{100 * results[(n, middle)]['hits'].get(category, 0) / counts[category]:.0f} %" for n in names]
        print(f"| {category} | {counts[category]} | " + " | ".join(cells) + " |")
    print()
    print(json.dumps({"items": len(items), "overBudget": over_budget,
                      "recall": {f"{n}@{b}": round(results[(n, b)]["recall"], 4) for n in names for b in budgets},
                      "perCategory": {f"{n}@{b}": results[(n, b)]["hits"] for n in names for b in budgets}}))


if __name__ == "__main__":
    main()
