"""tiktoken encodings built from local rank files (tiktoken cannot download its own here).

`encoding(shared, name)` reads `shared/vocab/<name>.tiktoken.gz` and builds a `tiktoken.Encoding`
with tiktoken's own pattern and special tokens for that name, so it behaves exactly like
`tiktoken.get_encoding(name)`. Used by the fixture, fuzzing and peer-benchmark scripts.
"""
import base64
import gzip
import pathlib

import tiktoken
import tiktoken_ext.openai_public as openai_public


def encoding(shared, name):
    ranks = {}
    for line in gzip.open(pathlib.Path(shared) / "vocab" / f"{name}.tiktoken.gz").read().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        spec = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(
        name=name, pat_str=spec["pat_str"], mergeable_ranks=ranks, special_tokens=spec["special_tokens"]
    )
