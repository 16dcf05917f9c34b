"""The token counts the gateway must return, computed with tiktoken (written apart from the server and the peer).

tiktoken cannot download its rank files here, so each encoding is built from a local gzipped rank file
(`<base64 token> <rank>` per line): $FOLIO_VOCAB, else ../shared/vocab beside the repository, else the copies in
Sources/FolioTokenizer/Resources (Scripts/tiktoken_local.py); the pattern and special tokens are tiktoken's own.
"""
import functools
import sys

from folio_process import REPO_ROOT

# Model name prefixes counted with o200k_base; every other model (moonshot-*, kimi-*, gpt-4, gpt-3.5*) uses cl100k.
O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss")


@functools.lru_cache(maxsize=None)
def encoding(name):
    sys.path.insert(0, str(REPO_ROOT / "Scripts"))
    import tiktoken_local  # tiktoken is imported only when a count is asked for

    return tiktoken_local.from_folder(tiktoken_local.vocab_folder(REPO_ROOT), name)


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
