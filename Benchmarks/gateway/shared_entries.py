#!/usr/bin/env python3
"""When a fleet's shared processed documents win: a node's first use of a file another node processed.

    swift build -c release --product folio
    FOLIO_DATABASE_URL='postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable' \\
        python3 Benchmarks/gateway/shared_entries.py .build/release/folio [FILE ...]

For each setting (shared entries on, the default; off, `--no-shared-processing`) it starts two nodes on a
database created for the run, uploads each file through node A (files up to 32 MiB are processed during
the upload, so A stores its entry), then times node B's first GET /v1/files/{id}/content, which must fetch
the bytes and either fetch A's entry or process the file itself, and a second GET (B's own cache) for
reference. Default files: the corpus samples and generated documents of 2 and 20 MB (`folio bench corpus`).

Prints a JSON summary per file: bytes, B's first request with and without sharing (ms), the ratio.
"""
import argparse
import http.client
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from folio_process import FolioProcess  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import metadata_latency  # noqa: E402


def call(port, method, path, key, body=None, content_type=None):
    """One request on a connection of its own: (status, body, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        status, payload, elapsed, _ = metadata_latency.request(connection, method, path, key, body, content_type)
    finally:
        connection.close()
    return status, payload, elapsed


def upload(port, key, path):
    boundary = "folio-shared-" + uuid.uuid4().hex
    body = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfile-extract\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n\r\n".encode(),
        path.read_bytes(), f"\r\n--{boundary}--\r\n".encode()])
    status, payload, _ = call(port, "POST", "/v1/files", key, body, f"multipart/form-data; boundary={boundary}")
    if status != 200:
        raise RuntimeError(f"upload of {path}: {status} {payload[:200]}")
    return json.loads(payload)["id"]


def run(binary, base, files, shared):
    name = "folio_shared_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True)
    url = base.split("?")[0].rsplit("/", 1)[0] + "/" + name + ("?" + base.split("?", 1)[1] if "?" in base else "")
    os.environ["FOLIO_DATABASE_URL"] = url
    extra = ["--migrate"] + ([] if shared else ["--no-shared-processing"])
    nodes = [FolioProcess(binary, extra_args=extra) for _ in range(2)]
    results = {}
    try:
        for node in nodes:
            node.start()
        key = nodes[0].create_key("bench")
        ports = [int(node.url.rsplit(":", 1)[1]) for node in nodes]
        for path in files:
            file_id = upload(ports[0], key, path)
            time.sleep(0.5)  # A's entry is written behind the upload's answer
            status, _, first = call(ports[1], "GET", f"/v1/files/{file_id}/content", key)
            status2, _, second = call(ports[1], "GET", f"/v1/files/{file_id}/content", key)
            assert status == 200 and status2 == 200, (status, status2)
            results[str(path)] = {"bytes": path.stat().st_size, "first_ms": round(first * 1000, 1),
                                  "second_ms": round(second * 1000, 1)}
    finally:
        for node in nodes:
            node.stop()
            node.cleanup()
        subprocess.run(["psql", base, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "release" / "folio"))
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    base = os.environ.get("FOLIO_DATABASE_URL")
    if not base:
        raise SystemExit("set FOLIO_DATABASE_URL to a PostgreSQL server the run may create databases on")
    with tempfile.TemporaryDirectory() as work:
        files = [pathlib.Path(f) for f in args.files]
        if not files:
            samples = ROOT / "Corpora" / "samples"
            files = [samples / "annual-report.html", samples / "supply-agreement.docx", samples / "chinese-essay.txt"]
            for kind, chars in (("report", 2_000_000), ("chinese", 2_000_000), ("report", 20_000_000)):
                out = pathlib.Path(work) / f"{kind}-{chars}.txt"
                subprocess.run([args.binary, "bench", "corpus", "--kind", kind, "--chars", str(chars), "--out", str(out)],
                               check=True, capture_output=True)
                files.append(out)
        on = run(args.binary, base, files, shared=True)
        off = run(args.binary, base, files, shared=False)
    summary = {}
    for path in on:
        summary[pathlib.Path(path).name] = {
            "bytes": on[path]["bytes"],
            "shared_first_ms": on[path]["first_ms"], "unshared_first_ms": off[path]["first_ms"],
            "speedup": round(off[path]["first_ms"] / on[path]["first_ms"], 2),
            "second_ms": on[path]["second_ms"],
        }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
