"""`folio serve` through the official `openai` Python client and raw httpx (Moonshot/Kimi-style endpoints).

    FOLIO_BINARY=.build/debug/folio python -m pytest Tests/Integration -q

Needs `openai`, `httpx` and `tiktoken` (Benchmarks/peers/requirements-gateway.txt). Skipped when FOLIO_BINARY
is unset. The fixtures (conftest.py) start the server and make keys with the CLI.
"""
import io
import json
import os
import threading
import time
import uuid

import pytest

if not os.environ.get("FOLIO_BINARY"):
    pytest.skip("set FOLIO_BINARY to a built folio executable to run the gateway tests", allow_module_level=True)

import httpx  # noqa: E402
import openai  # noqa: E402

from reference_tokens import chat_tokens  # noqa: E402

PURPOSE = "file-extract"
# Each sample and a phrase its extracted text must contain.
SAMPLE_PHRASES = {
    "annual-report.txt": "Northwind Instruments",
    "annual-report.html": "Northwind Instruments",
    "supply-agreement.txt": "Change of Control",
    "supply-agreement.docx": "Change of Control",
    "supply-agreement.odt": "Change of Control",
    "supply-agreement.pdf": "Change of Control",
    "chinese-essay.txt": "长文本处理随笔",
}


def upload(client, path):
    with open(path, "rb") as file:
        return client.files.create(file=file, purpose=PURPOSE)


def upload_bytes(client, name, data):
    return client.files.create(file=(name, io.BytesIO(data)), purpose=PURPOSE)


def assert_envelope(response, status):
    """The error shape every failure must have: status, {"error": {type, message, param, code}}, x-request-id."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text[:300]}"
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"type", "message", "param", "code"} <= set(body["error"]), body
    assert isinstance(body["error"]["type"], str) and body["error"]["type"], body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    assert response.headers.get("x-request-id"), "no x-request-id on an error response"
    return body["error"]


# Files through the OpenAI client.


@pytest.mark.parametrize("name", sorted(SAMPLE_PHRASES))
def test_upload_retrieve_and_content_of_a_corpus_file(gateway, samples, name):
    client = gateway.client()
    path = samples / name
    before = time.time()
    created = upload(client, path)
    assert created.id.startswith("file-"), created
    assert created.object == "file"
    assert created.bytes == path.stat().st_size
    assert created.filename == name
    assert created.purpose == PURPOSE
    assert created.status == "ok", f"status {created.status!r}, details {created.status_details!r}"
    assert before - 5 <= created.created_at <= time.time() + 5

    retrieved = client.files.retrieve(created.id)
    assert retrieved.model_dump() == created.model_dump()

    content = json.loads(client.files.content(created.id).text)
    assert {"content", "file_type", "filename", "title", "type"} <= set(content), content.keys()
    assert content["type"] == "file"
    assert content["filename"] == name
    assert content["content"].strip(), "empty extracted content"
    assert SAMPLE_PHRASES[name] in content["content"]


def test_list_pages_through_every_file_exactly_once(gateway):
    client = gateway.client("pager")  # a tenant no other test uploads for
    ids = [upload_bytes(client, f"page-{i}.txt", f"Page {i}. ".encode() * 20).id for i in range(7)]

    seen = []
    for count, file in enumerate(client.files.list(limit=2)):  # auto-paging, `after` = the last id of a page
        assert count < 50, "files.list(limit=2) did not terminate: does the server ignore `after`?"
        seen.append(file.id)
    assert len(seen) == len(set(seen)), f"ids repeated across pages: {seen}"
    assert sorted(seen) == sorted(ids)

    # Page by page: at most `limit` items each, has_more true on all but the last.
    pages = [client.files.list(limit=2)]
    while pages[-1].has_next_page():
        assert len(pages) < 20, "more than 20 pages for 7 files"
        pages.append(pages[-1].get_next_page())
    assert [len(page.data) for page in pages] == [2, 2, 2, 1]
    assert [page.has_more for page in pages] == [True, True, True, False]

    ascending = [file.id for file in client.files.list(order="asc", limit=100)]
    descending = [file.id for file in client.files.list(order="desc", limit=100)]
    assert sorted(ascending) == sorted(ids) and descending == ascending[::-1]
    created = [file.created_at for file in client.files.list(order="asc", limit=100)]
    assert created == sorted(created)
    assert sorted(f.id for f in client.files.list(purpose=PURPOSE, limit=100)) == sorted(ids)


def test_list_envelope_has_cursor_fields(gateway, http):
    client = gateway.client("alpha")
    upload_bytes(client, "envelope.txt", b"list envelope")
    response = http.get("/v1/files", params={"limit": 1}, headers=gateway.headers())
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list" and len(body["data"]) == 1
    assert body["first_id"] == body["data"][0]["id"] and body["last_id"] == body["data"][-1]["id"]
    assert isinstance(body["has_more"], bool)


def test_delete_then_retrieve_is_not_found(gateway, samples):
    client = gateway.client()
    created = upload(client, samples / "annual-report.txt")
    deleted = client.files.delete(created.id)
    assert deleted.id == created.id and deleted.deleted is True and deleted.object == "file"
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client.files.content(created.id)
    with pytest.raises(openai.NotFoundError):
        client.files.delete(created.id)
    assert created.id not in {file.id for file in client.files.list(limit=1000)}


def test_another_tenants_file_is_not_found(gateway, samples):
    owner, other = gateway.client("alpha"), gateway.client("beta")
    created = upload(owner, samples / "supply-agreement.txt")
    with pytest.raises(openai.NotFoundError):
        other.files.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        other.files.content(created.id)
    with pytest.raises(openai.NotFoundError):
        other.files.delete(created.id)
    assert created.id not in {file.id for file in other.files.list(limit=1000)}
    assert owner.files.retrieve(created.id).id == created.id  # still there for its owner


def test_unknown_file_is_not_found_with_the_envelope(gateway, http):
    response = http.get("/v1/files/file-doesnotexist", headers=gateway.headers())
    assert_envelope(response, 404)


def test_bad_key_is_an_authentication_error(gateway, http):
    with pytest.raises(openai.AuthenticationError):
        gateway.client(key="sk-not-a-real-key").files.list()
    assert_envelope(http.get("/v1/files"), 401)  # no Authorization at all
    assert_envelope(http.get("/v1/files", headers={"Authorization": "Bearer sk-nope"}), 401)
    assert_envelope(http.get("/v1/files", headers={"Authorization": f"Basic {gateway.keys['alpha']}"}), 401)


def test_a_key_created_while_the_server_runs_works(gateway):
    key = gateway.process.create_key(f"late-{uuid.uuid4().hex[:8]}")
    assert list(gateway.client(key=key).files.list()) == []


# Upload limits (a server of their own with a small --max-upload-bytes).

LIMIT = 4096


@pytest.fixture
def small_limit(extra_server):
    return extra_server("--max-upload-bytes", str(LIMIT))


def test_upload_over_the_limit_is_rejected_with_the_envelope(small_limit):
    client = small_limit.client()
    with pytest.raises(openai.APIStatusError) as raised:
        upload_bytes(client, "big.txt", b"x" * (LIMIT + 1))
    assert raised.value.status_code in (400, 413), raised.value
    assert_envelope(raised.value.response, raised.value.status_code)
    # The server is fine afterwards, and the rejected file was not stored.
    assert upload_bytes(client, "small.txt", b"small file").status == "ok"
    assert [file.filename for file in client.files.list()] == ["small.txt"]


def test_upload_of_exactly_the_limit_is_accepted(small_limit):
    created = upload_bytes(small_limit.client(), "exact.txt", b"y" * LIMIT)
    assert created.bytes == LIMIT and created.status == "ok"


def test_upload_far_over_the_limit_gets_a_response_not_a_reset(small_limit):
    """A 4 MB body against a 4 KB limit: the client must read an error response, not a broken connection."""
    with pytest.raises(openai.APIStatusError) as raised:
        upload_bytes(small_limit.client(), "huge.txt", b"z" * (4 << 20))
    assert raised.value.status_code in (400, 413)


def test_tenant_file_count_quota(extra_server):
    """The per-tenant file quota (1,000 by default; 3 here): the next upload is refused until one is deleted."""
    gateway = extra_server("--max-files-per-tenant", "3")
    client = gateway.client()
    ids = [upload_bytes(client, f"q{i}.txt", b"quota").id for i in range(3)]
    with pytest.raises(openai.APIStatusError) as raised:
        upload_bytes(client, "q3.txt", b"quota")
    assert 400 <= raised.value.status_code < 500 and raised.value.status_code != 429, raised.value
    assert_envelope(raised.value.response, raised.value.status_code)
    assert upload_bytes(gateway.client("beta"), "other.txt", b"quota").status == "ok"  # per tenant
    client.files.delete(ids[0])
    assert upload_bytes(client, "q4.txt", b"quota").status == "ok"


def test_tenant_byte_quota(extra_server):
    gateway = extra_server("--max-bytes-per-tenant", "10000")
    client = gateway.client()
    upload_bytes(client, "a.txt", b"a" * 6000)
    with pytest.raises(openai.APIStatusError) as raised:
        upload_bytes(client, "b.txt", b"b" * 6000)
    assert 400 <= raised.value.status_code < 500 and raised.value.status_code != 429, raised.value
    assert_envelope(raised.value.response, raised.value.status_code)
    assert [file.filename for file in client.files.list()] == ["a.txt"]


# Rate limit: 429 with Retry-After, then the SDK's own retry succeeds.


def drain_until_429(client, attempts=500):
    for _ in range(attempts):
        try:
            client.files.list(limit=1)
        except openai.RateLimitError as error:
            return error
    pytest.fail(f"no 429 after {attempts} requests with --rate-limit set")


def honoured_delay(headers):
    """The wait the SDK takes from a 429: retry-after-ms when present, else Retry-After (seconds)."""
    if headers.get("retry-after-ms") is not None:
        return float(headers["retry-after-ms"]) / 1000
    return float(headers["retry-after"])


def test_rate_limit_429_then_the_sdk_retries_after_retry_after(extra_server):
    gateway = extra_server("--rate-limit", "30")  # a bucket of 30 refilled at one token per 2 s
    error = drain_until_429(gateway.client())
    headers = error.response.headers
    body = assert_envelope(error.response, 429)
    assert body["type"] == "rate_limit_reached_error"
    assert headers.get("retry-after", "").isdigit() and 1 <= int(headers["retry-after"]) <= 60, headers
    assert headers.get("retry-after-ms", "").isdigit(), headers
    assert 0 < int(headers["retry-after-ms"]) <= 1000 * int(headers["retry-after"]), headers
    assert headers.get("x-should-retry") == "true"
    # Another tenant has its own bucket.
    assert gateway.client("beta").files.list() is not None

    # A client that retries: count its attempts with a response hook. A token may refill between the drain and
    # the first attempt (then the first attempt succeeds); drain again and retry, at most three rounds.
    for _ in range(3):
        responses = []
        http_client = openai.DefaultHttpxClient(
            event_hooks={"response": [lambda r: responses.append((time.monotonic(), r.status_code, r.headers))]}
        )
        retrying = gateway.client(max_retries=3, http_client=http_client)
        start = time.monotonic()
        try:
            retrying.files.list(limit=1)
        except openai.RateLimitError:
            pytest.fail(f"still 429 after 3 retries: {[status for _, status, _ in responses]}")
        elapsed = time.monotonic() - start
        if responses[0][1] != 200:
            break
        drain_until_429(gateway.client())
    statuses = [status for _, status, _ in responses]
    assert statuses == [429, 200], f"attempts {statuses}: expected one 429, then success on the first retry"
    first_429_headers = responses[0][2]
    assert int(first_429_headers["retry-after"]) >= 1
    delay = honoured_delay(first_429_headers)
    assert elapsed >= delay - 0.005, f"retried after {elapsed:.3f} s, before the {delay} s the server asked"
    assert responses[1][0] - responses[0][0] >= delay - 0.005


# Moonshot-style endpoints over raw httpx.

ESTIMATE = "/v1/tokenizers/estimate-token-count"


def estimate(http, gateway, model, messages, tenant="alpha", **extra):
    return http.post(ESTIMATE, headers=gateway.headers(tenant), json={"model": model, "messages": messages, **extra})


@pytest.mark.parametrize(
    "model", ["moonshot-v1-8k", "moonshot-v1-128k", "kimi-k2-0905-preview", "gpt-4", "gpt-3.5-turbo",
              "gpt-4o", "gpt-4o-mini", "gpt-4.1", "o1", "o3-mini", "o4-mini", "gpt-5"])
def test_estimate_token_count_matches_tiktoken(gateway, http, samples, model):
    messages = [
        {"role": "system", "content": "You are a careful analyst."},
        {"role": "user", "content": (samples / "annual-report.txt").read_text()},
        {"role": "assistant", "content": (samples / "chinese-essay.txt").read_text()},
        {"role": "user", "content": ""},
    ]
    response = estimate(http, gateway, model, messages)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"total_tokens": chat_tokens(model, messages)}}
    assert response.headers.get("x-request-id")


def test_estimate_uses_a_different_encoding_for_gpt_4o(gateway, http, samples):
    messages = [{"role": "user", "content": (samples / "annual-report.txt").read_text()}]
    counts = {
        model: estimate(http, gateway, model, messages).json()["data"]["total_tokens"]
        for model in ("moonshot-v1-8k", "gpt-4o")
    }
    # The sample's golden counts (Tests/FolioTokenizerTests/Fixtures/golden.json) + 3 + 1 ("user") + 3.
    assert counts == {"moonshot-v1-8k": 949 + 7, "gpt-4o": 943 + 7}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"role": "user", "content": "hello world"}, 3 + 1 + 2 + 3),  # per message, "user", content, priming
        ({"role": "user", "name": "alice", "content": "hello world"}, 9 + 1 + 1),  # + "alice" + 1 for a name
        ({"role": "user", "name": "alice bob carol", "content": "hello world"}, 9 + 4 + 1),
    ],
)
def test_estimate_counts_role_and_name_as_openai_does(gateway, http, message, expected):
    response = estimate(http, gateway, "moonshot-v1-8k", [message])
    assert response.status_code == 200, response.text
    assert response.json()["data"]["total_tokens"] == expected == chat_tokens("moonshot-v1-8k", [message])


def test_estimate_of_no_messages_is_the_priming(gateway, http):
    assert estimate(http, gateway, "moonshot-v1-8k", []).json() == {"data": {"total_tokens": 3}}


def test_estimate_rejects_bad_bodies_with_the_envelope(gateway, http):
    headers = {**gateway.headers(), "Content-Type": "application/json"}
    assert_envelope(http.post(ESTIMATE, headers=headers, content=b"{not json"), 400)
    assert_envelope(http.post(ESTIMATE, headers=headers, json={"model": "moonshot-v1-8k"}), 400)
    assert_envelope(http.post(ESTIMATE, json={"model": "gpt-4o", "messages": []}), 401)


def test_service_tier_header_names_the_class_used(gateway, http):
    messages = [{"role": "user", "content": "tier"}]
    free = estimate(http, gateway, "gpt-4o", messages, tenant="alpha")
    priority = estimate(http, gateway, "gpt-4o", messages, tenant="vip")
    flex = estimate(http, gateway, "gpt-4o", messages, tenant="vip", service_tier="flex")
    for response in (free, priority, flex):
        assert response.status_code == 200, response.text
        assert response.headers.get("x-folio-service-tier"), "no x-folio-service-tier header"
    # A pass holder runs in a class of its own; "flex" lowers it to the class a tenant without a pass gets.
    assert priority.headers["x-folio-service-tier"] != free.headers["x-folio-service-tier"]
    assert flex.headers["x-folio-service-tier"] == free.headers["x-folio-service-tier"]


def test_context_caching_lifecycle(gateway, http, samples):
    headers = gateway.headers("alpha")
    request = {
        "model": "moonshot-v1",
        "messages": [{"role": "system", "content": (samples / "supply-agreement.txt").read_text()}],
        "name": "supply-agreement",
        "description": "integration test",
        "metadata": {"biz_id": "it-1"},
        "ttl": 3600,
    }
    created = http.post("/v1/caching", headers=headers, json=request)
    assert created.status_code == 200, created.text
    cache = created.json()
    cache_id = cache["id"]
    assert isinstance(cache_id, str) and cache_id
    assert cache["status"] in ("pending", "ready"), cache
    assert created.headers.get("x-request-id")

    got = http.get(f"/v1/caching/{cache_id}", headers=headers)
    assert got.status_code == 200 and got.json()["id"] == cache_id, got.text
    listed = http.get("/v1/caching", headers=headers)
    assert listed.status_code == 200, listed.text
    assert cache_id in [item["id"] for item in listed.json()["data"]]
    assert http.get(f"/v1/caching/{cache_id}", headers=gateway.headers("beta")).status_code == 404
    others = http.get("/v1/caching", headers=gateway.headers("beta")).json()["data"]
    assert cache_id not in [item["id"] for item in others]

    updated = http.put(f"/v1/caching/{cache_id}", headers=headers, json={"metadata": {"biz_id": "it-2"}, "ttl": 1800})
    assert updated.status_code == 200, updated.text
    assert http.get(f"/v1/caching/{cache_id}", headers=headers).json()["metadata"] == {"biz_id": "it-2"}

    deleted = http.delete(f"/v1/caching/{cache_id}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["deleted"] is True and deleted.json()["id"] == cache_id
    assert_envelope(http.get(f"/v1/caching/{cache_id}", headers=headers), 404)


def test_pack_fits_the_budget_and_cites_the_files(gateway, http, samples):
    client = gateway.client("alpha")
    file_ids = [upload(client, samples / name).id for name in ("supply-agreement.txt", "annual-report.txt")]
    request = {"query": "change of control termination", "file_ids": file_ids, "budget_tokens": 400,
               "model": "moonshot-v1-8k"}
    response = http.post("/v1/folio/pack", headers=gateway.headers("alpha"), json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["messages"] and all({"role", "content"} <= set(m) for m in body["messages"]), body
    assert 0 < body["total_tokens"] <= 400
    # total_tokens is what estimate-token-count would say of the messages.
    assert body["total_tokens"] == chat_tokens("moonshot-v1-8k", body["messages"])
    assert body["citations"], "no citations"
    assert any(file_id in json.dumps(body["citations"]) for file_id in file_ids), body["citations"]

    # Another tenant cannot pack this tenant's files.
    other = http.post("/v1/folio/pack", headers=gateway.headers("beta"), json=request)
    assert other.status_code == 404, other.text


def test_pack_includes_the_passage_that_answers_the_query(gateway, http, samples):
    """Section 5.3 ("Change of Control. Either Party may terminate ...") is about 50 tokens: a 400-token budget
    has room for it, so a pack for "change of control termination" must contain it."""
    file_id = upload(gateway.client("alpha"), samples / "supply-agreement.txt").id
    request = {"query": "change of control termination", "file_ids": [file_id], "budget_tokens": 400}
    response = http.post("/v1/folio/pack", headers=gateway.headers("alpha"), json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "Either Party may terminate" in json.dumps(body["messages"]), body["citations"]


def test_every_response_has_a_distinct_request_id(gateway, http):
    responses = [
        http.get("/v1/files", headers=gateway.headers()),  # 200
        http.get("/v1/files"),  # 401
        http.get("/v1/files/file-missing", headers=gateway.headers()),  # 404
        http.post(ESTIMATE, headers=gateway.headers(), json={}),  # 400
        http.get("/healthz"),
    ]
    ids = [response.headers.get("x-request-id") for response in responses]
    assert all(ids), [(r.status_code, r.headers.get("x-request-id")) for r in responses]
    assert len(set(ids)) == len(ids)


def test_health_and_metrics(gateway, http):
    assert http.get("/healthz").status_code == 200
    assert http.get("/readyz").status_code == 200
    metrics = http.get("/metrics")
    if metrics.status_code in (401, 403):  # an admin-only endpoint
        metrics = http.get("/metrics", headers=gateway.headers("admin"))
    assert metrics.status_code == 200, metrics.text[:200]
    assert "# TYPE" in metrics.text


# Shutdown.


def test_sigterm_drains_an_upload_in_flight(extra_server):
    """SIGTERM while a slow upload is half sent: the upload still gets its 200, then the server exits 0."""
    gateway = extra_server()
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{PURPOSE}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunk, chunks = b"slow upload line\n" * 4096, 10
    half_sent = threading.Event()

    def body():
        yield head
        for index in range(chunks):
            if index == chunks // 2:
                half_sent.set()
            time.sleep(0.2)
            yield chunk
        yield tail

    result = {}

    def send():
        try:
            result["response"] = httpx.post(
                gateway.base_url + "/files", content=body(), timeout=60,
                headers={**gateway.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}",
                         "Content-Length": str(len(head) + len(chunk) * chunks + len(tail))},
            )
        except Exception as error:  # reported below
            result["error"] = error

    sender = threading.Thread(target=send)
    sender.start()
    assert half_sent.wait(30)
    gateway.process.process.terminate()  # SIGTERM
    sender.join(60)
    assert "error" not in result, f"upload in flight failed during the drain: {result.get('error')!r}"
    response = result["response"]
    assert response.status_code == 200, response.text
    assert response.json()["bytes"] == len(chunk) * chunks
    assert gateway.process.process.wait(60) == 0
