"""A Python peer of `folio serve`'s POST /v1/tokenizers/estimate-token-count (Starlette + tiktoken).

    pip install -r Benchmarks/peers/requirements-gateway.txt
    uvicorn --workers 2 --app-dir Benchmarks/peers --port 8100 tokenizer_server:app

Same request, response and counting rule as the gateway, so `Benchmarks/gateway/estimate.sh` can load
both with the same wrk script and check that they agree:

    request   {"model": "moonshot-v1-8k", "messages": [{"role": "user", "content": "..."}]}
    response  {"data": {"total_tokens": N}}
    N         3 + sum over messages of (3 + tokens of role, content and name, + 1 if there is a name)

That is OpenAI's chat counting (the cookbook's num_tokens_from_messages: 3 tokens per message, 1 more for
a name, 3 priming the reply), as the gateway counts. The encoding is o200k_base for the gateway's
o200k prefixes (O200K_PREFIXES), cl100k_base for everything else (moonshot-*, kimi-*, gpt-4, gpt-3.5*).
Special-token text such as "<|endoftext|>" in a content counts as ordinary text.

tiktoken cannot download its rank files here, so both encodings are built from the gzipped rank files in
$FOLIO_VOCAB, else ../shared/vocab beside the repository, else the copies the repository ships in
Sources/FolioTokenizer/Resources (Scripts/tiktoken_local.py), with tiktoken's own patterns and specials.
No authentication: it is a benchmark peer on 127.0.0.1, not a server.
"""
import json
import pathlib
import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Scripts"))
import tiktoken_local  # noqa: E402

O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss")
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3


def load_encoding(name):
    """A `tiktoken.Encoding` equal to `tiktoken.get_encoding(name)`, built from the local rank files."""
    return tiktoken_local.from_folder(tiktoken_local.vocab_folder(ROOT), name)


def encoding_name_for_model(model):
    return "o200k_base" if model.startswith(O200K_PREFIXES) else "cl100k_base"


def content_text(content):
    """A message's content as text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def count_chat_tokens(encoding, messages):
    total = REPLY_PRIMING_TOKENS
    for message in messages:
        total += TOKENS_PER_MESSAGE + len(encoding.encode_ordinary(content_text(message.get("content"))))
        for field in ("role", "name"):
            if isinstance(message.get(field), str):
                total += len(encoding.encode_ordinary(message[field]))
        if message.get("name"):
            total += TOKENS_PER_NAME
    return total


ENCODINGS = {}


def encoding_for(model):
    name = encoding_name_for_model(model)
    if name not in ENCODINGS:
        ENCODINGS[name] = load_encoding(name)
    return ENCODINGS[name]


def error(status, message, param=None):
    body = {"error": {"type": "invalid_request_error", "message": message, "param": param, "code": None}}
    return JSONResponse(body, status_code=status)


async def estimate_token_count(request: Request) -> Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return error(400, "the body is not JSON")
    if not isinstance(body, dict):
        return error(400, "the body must be a JSON object")
    model, messages = body.get("model"), body.get("messages")
    if not isinstance(model, str) or not model:
        return error(400, "model is required", "model")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        return error(400, "messages must be a list of objects", "messages")
    return JSONResponse({"data": {"total_tokens": count_chat_tokens(encoding_for(model), messages)}})


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


# Both encodings load at import, in every uvicorn worker, so that no timed request pays for it.
for _name in ("cl100k_base", "o200k_base"):
    ENCODINGS[_name] = load_encoding(_name)

app = Starlette(
    routes=[
        Route("/v1/tokenizers/estimate-token-count", estimate_token_count, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
)
