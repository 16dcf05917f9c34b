#!/usr/bin/env python3
"""Metadata operations on SQLite and on PostgreSQL: what the shared database adds to a request.

    swift build -c release --product folio
    Scripts/postgres_throwaway.sh start /tmp/folio-pg 55432        # or any PostgreSQL 15
    FOLIO_DATABASE_URL='postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable' \\
        python3 Benchmarks/gateway/metadata_latency.py .build/release/folio [--requests 2000]

For each store it starts one `folio serve` (a fresh data directory; for PostgreSQL `--database` and
`--migrate`, on a database created for the run), makes a key, uploads 50 small files, stores a context
cache and grants a pass, then times --requests sequential requests of each kind on one keep-alive
connection (after 200 warm-up requests): a page of the file list (GET /v1/files?limit=20), the caller's
pass (GET /v1/folio/passes/current: a pass lookup in the store on every request) and a context cache
(GET /v1/caching/{id}). The API key's lookup is cached by the server (0.5 s), as in production.

Prints a JSON summary: per store and kind the p50/p99 of the client's latency and of the server's own
time (its Server-Timing header), and per kind the p50 difference PostgreSQL - SQLite (target <= 1 ms).
"""
import argparse
import http.client
import json
import os
import pathlib
import subprocess
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from folio_process import FolioProcess  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, int(round(fraction * len(ordered) + 0.5)) - 1)] if ordered else None


def request(connection, method, path, key, body=None, content_type=None):
    headers = {"Authorization": f"Bearer {key}"}
    if content_type:
        headers["Content-Type"] = content_type
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    timing = response.getheader("server-timing", "app;dur=0").split("dur=")[-1]
    return response.status, payload, elapsed, float(timing) / 1000


def upload(connection, key, index):
    boundary = "folio-bench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfile-extract\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f{index}.txt\"\r\n\r\n"
            f"Document {index}: payment is due within 30 days.\r\n--{boundary}--\r\n").encode()
    status, payload, _, _ = request(connection, "POST", "/v1/files", key, body,
                                    f"multipart/form-data; boundary={boundary}")
    assert status == 200, payload


def measure(binary, database, requests):
    environment_before = os.environ.get("FOLIO_DATABASE_URL")
    extra = []
    if database:
        os.environ["FOLIO_DATABASE_URL"] = database
        extra = ["--migrate"]
    else:
        os.environ.pop("FOLIO_DATABASE_URL", None)
    server = FolioProcess(binary, extra_args=extra + ["--workers", "2"])
    try:
        server.start()
        key = server.create_key("bench")
        server.grant_pass("bench")
        port = int(server.url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for index in range(50):
            upload(connection, key, index)
        cache = json.dumps({"model": "moonshot-v1-8k", "messages": [{"role": "system", "content": "You are Kimi."}],
                            "ttl": 3600}).encode()
        status, payload, _, _ = request(connection, "POST", "/v1/caching", key, cache, "application/json")
        assert status == 200, payload
        cache_id = json.loads(payload)["id"]
        kinds = {"file_list": "/v1/files?limit=20", "pass_lookup": "/v1/folio/passes/current",
                 "cache_get": f"/v1/caching/{cache_id}"}
        results = {}
        for kind, path in kinds.items():
            for _ in range(200):
                request(connection, "GET", path, key)
            client, server_side = [], []
            for _ in range(requests):
                status, payload, elapsed, timing = request(connection, "GET", path, key)
                assert status == 200, payload
                client.append(elapsed)
                server_side.append(timing)
            results[kind] = {
                "client_p50_ms": round(percentile(client, 0.5) * 1000, 3),
                "client_p99_ms": round(percentile(client, 0.99) * 1000, 3),
                "server_p50_ms": round(percentile(server_side, 0.5) * 1000, 3),
                "server_p99_ms": round(percentile(server_side, 0.99) * 1000, 3),
            }
        connection.close()
        return results
    finally:
        server.stop()
        server.cleanup()
        if environment_before is None:
            os.environ.pop("FOLIO_DATABASE_URL", None)
        else:
            os.environ["FOLIO_DATABASE_URL"] = environment_before


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "release" / "folio"))
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    base = os.environ.get("FOLIO_DATABASE_URL")
    if not base:
        raise SystemExit("set FOLIO_DATABASE_URL to a PostgreSQL server the run may create a database on")
    name = "folio_bench_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True)
    database = base.split("?")[0].rsplit("/", 1)[0] + "/" + name + ("?" + base.split("?", 1)[1] if "?" in base else "")
    try:
        sqlite = measure(args.binary, None, args.requests)
        postgres = measure(args.binary, database, args.requests)
    finally:
        subprocess.run(["psql", base, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)
    summary = {
        "requests_per_kind": args.requests,
        "sqlite": sqlite,
        "postgres": postgres,
        "p50_added_ms": {kind: round(postgres[kind]["client_p50_ms"] - sqlite[kind]["client_p50_ms"], 3)
                         for kind in sqlite},
    }
    summary["target_p50_added<=1ms"] = all(value <= 1.0 for value in summary["p50_added_ms"].values())
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
