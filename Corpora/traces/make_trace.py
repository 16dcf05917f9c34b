#!/usr/bin/env python3
"""Writes sample-trace.jsonl: 1,000 Mooncake-format requests (seeded, bursty), for `folio simulate`.

Lengths follow a long-tailed mix like Kimi's public trace (prompts of 1k-100k tokens, answers of
1-800 tokens); a quarter of the requests share one of 40 system-prompt blocks, so tenants repeat.
"""
import json
import random

rng = random.Random(2026)
time_ms = 0
next_block = 1000
with open("sample-trace.jsonl", "w") as out:
    for index in range(1000):
        time_ms += rng.choice([0, 5, 20, 50, 200, 400, 800, 1500])
        prompt = int(min(100_000, rng.lognormvariate(9.2, 0.9)))
        answer = int(min(800, rng.lognormvariate(4.3, 1.0))) + 1
        blocks = (prompt + 511) // 512
        first = rng.randrange(40) if rng.random() < 0.25 else None
        ids = ([first] if first is not None else []) + list(range(next_block, next_block + blocks))
        next_block += blocks
        out.write(json.dumps({"timestamp": time_ms, "input_length": prompt, "output_length": answer,
                              "hash_ids": ids[:blocks]}) + "\n")
