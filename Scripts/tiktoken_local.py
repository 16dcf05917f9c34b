"""tiktoken encodings built from local rank files (tiktoken cannot download its own here).

`encoding(shared, name)` reads `shared/vocab/<name>.tiktoken.gz`, `from_folder(folder, name)` reads
`folder/<name>.tiktoken.gz`; either builds a `tiktoken.Encoding` with tiktoken's own pattern and special
tokens for that name, so it behaves exactly like `tiktoken.get_encoding(name)`. `vocab_folder(root)` finds
the rank files for a checkout. Used by the fixture, fuzzing and peer-benchmark scripts, the gateway's
Python peer and its integration tests.
"""
import base64
import gzip
import os
import pathlib

import tiktoken
import tiktoken_ext.openai_public as openai_public


def encoding(shared, name):
    return from_folder(pathlib.Path(shared) / "vocab", name)


def vocab_folder(root):
    """The rank files for the checkout at `root`: $FOLIO_VOCAB, else ../shared/vocab beside it, else the
    copies it ships in Sources/FolioTokenizer/Resources."""
    if os.environ.get("FOLIO_VOCAB"):
        return pathlib.Path(os.environ["FOLIO_VOCAB"])
    root = pathlib.Path(root)
    for candidate in (root.parent / "shared" / "vocab", root / "Sources" / "FolioTokenizer" / "Resources"):
        if (candidate / "cl100k_base.tiktoken.gz").exists():
            return candidate
    raise FileNotFoundError("no cl100k_base.tiktoken.gz: set FOLIO_VOCAB to the folder of the rank files")


def from_folder(folder, name):
    ranks = {}
    for line in gzip.open(pathlib.Path(folder) / f"{name}.tiktoken.gz").read().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    # openai_public's constructors would download the file: lend them ours, keep pattern and specials.
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        spec = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(
        name=name, pat_str=spec["pat_str"], mergeable_ranks=ranks, special_tokens=spec["special_tokens"]
    )
