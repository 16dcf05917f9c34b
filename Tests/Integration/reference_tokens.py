"""The token counts the gateway must return, computed with tiktoken (written apart from the server and the peer).

tiktoken cannot download its rank files here, so each encoding is built from a local gzipped rank file
(`<base64 token> <rank>` per line): $FOLIO_VOCAB, else ../shared/vocab beside the repository, else the copies in
Sources/FolioTokenizer/Resources; the pattern and special tokens are tiktoken's own for that name.
"""
import base64
import functools
import gzip
import os
import pathlib

from folio_process import REPO_ROOT

# Model name prefixes counted with o200k_base; every other model (moonshot-*, kimi-*, gpt-4, gpt-3.5*) uses cl100k.
O200K_PREFIXES = ("gpt-4o", "o1", "o3", "o4", "gpt-4.1", "gpt-5")


def _vocab_dir():
    candidates = [os.environ.get("FOLIO_VOCAB"), REPO_ROOT.parent / "shared" / "vocab",
                  REPO_ROOT / "Sources" / "FolioTokenizer" / "Resources"]
    for candidate in filter(None, candidates):
        if (pathlib.Path(candidate) / "cl100k_base.tiktoken.gz").exists():
            return pathlib.Path(candidate)
    raise FileNotFoundError("no cl100k_base.tiktoken.gz; set FOLIO_VOCAB")


@functools.lru_cache(maxsize=None)
def encoding(name):
    import tiktoken
    import tiktoken_ext.openai_public as openai_public

    ranks = {}
    for line in gzip.open(_vocab_dir() / f"{name}.tiktoken.gz").read().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    # The constructor in openai_public would download the file: lend it ours and keep only pattern and specials.
    original = openai_public.load_tiktoken_bpe
    openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
    try:
        spec = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return tiktoken.Encoding(name=name, pat_str=spec["pat_str"], mergeable_ranks=ranks,
                             special_tokens=spec["special_tokens"])


def encoding_for_model(model):
    return encoding("o200k_base" if model.startswith(O200K_PREFIXES) else "cl100k_base")


def chat_tokens(model, messages):
    """OpenAI's chat count (the cookbook's `num_tokens_from_messages`).

    Each message costs 3 tokens plus the tokens of its role, content and name, and 1 more if it has a name;
    the reply is primed with 3. (The gateway's brief said "tokens of content + 3" per message; the gateway
    and OpenAI's rule also count the role and the name's own tokens, and this follows them.)
    """
    enc = encoding_for_model(model)
    total = 3
    for message in messages:
        total += 3
        for field in ("role", "content", "name"):
            if message.get(field):
                total += len(enc.encode_ordinary(message[field]))
        if message.get("name"):
            total += 1
    return total
