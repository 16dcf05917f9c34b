#!/usr/bin/env python3
"""Two latency targets of `folio serve`, release build, loopback:

1. `pack` over a cached 2,000,000-character document: p50 of the server-side time (the `Server-Timing`
   header: from the request's arrival to its response) and of the client-side round trip.
2. `/healthz` p99 while uploads keep both cores busy extracting documents.

    swift build -c release --product folio
    python3 Benchmarks/gateway/latency.py .build/release/folio [--packs 400] [--health-seconds 20]

The 2,000,000-character document is Folio's generated Chinese text (`folio bench corpus --kind chinese`).
The ingest load: --ingest-clients clients upload distinct generated reports (each ~3 MB, so each upload is a
fresh extraction, never a cache hit) in a closed loop on a tenant holding a pass. Prints a JSON summary.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from folio_process import FolioProcess  # noqa: E402


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def server_ms(response):
    timing = response.headers.get("server-timing", "")
    return float(timing.split("dur=")[1]) if "dur=" in timing else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--packs", type=int, default=400)
    parser.add_argument("--budget", type=int, default=4000)
    parser.add_argument("--health-seconds", type=float, default=20)
    parser.add_argument("--ingest-clients", type=int, default=4)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="folio-latency-"))
    chinese = work / "zh.txt"
    subprocess.run([args.binary, "bench", "corpus", "--kind", "chinese", "--chars", "2000000", "--out", chinese],
                   check=True, capture_output=True)
    reports = []
    for index in range(args.ingest_clients * 3):
        path = work / f"report-{index}.html"
        subprocess.run([args.binary, "bench", "corpus", "--kind", "report", "--format", "html", "--chars",
                        str(3_000_000 + index), "--out", path], check=True, capture_output=True)
        reports.append(path)

    server = FolioProcess(args.binary, workdir=work, extra_args=["--log-level", "warning"])
    alice = server.create_key("alice")
    loader = server.create_key("loader")
    server.grant_pass("loader")
    server.start()
    summary = {"date": time.strftime("%Y-%m-%d"), "binary": args.binary}
    try:
        headers = {"Authorization": f"Bearer {alice}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
            started = time.perf_counter()
            with open(chinese, "rb") as handle:
                upload = client.post("/v1/files", files={"file": ("zh.txt", handle)}, data={"purpose": "file-extract"})
            upload.raise_for_status()
            summary["upload_2m_chars_s"] = round(time.perf_counter() - started, 3)
            file_id = upload.json()["id"]
            questions = ["山 河 城", "皇帝 将军", "春天 花", "江南 雨", "读书 先生", "战争 和平", "朋友 酒", "月亮 故乡"]
            server_times, client_times, totals = [], [], []
            for index in range(args.packs + 20):
                body = {"query": questions[index % len(questions)], "file_ids": [file_id],
                        "budget_tokens": args.budget}
                begin = time.perf_counter()
                response = client.post("/v1/folio/pack", json=body)
                elapsed = (time.perf_counter() - begin) * 1000
                response.raise_for_status()
                if index >= 20:  # the first packs warm the index
                    server_times.append(server_ms(response))
                    client_times.append(elapsed)
                    totals.append(response.json()["total_tokens"])
            summary["pack"] = {
                "requests": len(server_times), "budget_tokens": args.budget, "max_total_tokens": max(totals),
                "server_ms_p50": round(quantile(server_times, 0.5), 3),
                "server_ms_p99": round(quantile(server_times, 0.99), 3),
                "client_ms_p50": round(quantile(client_times, 0.5), 3),
                "target_server_ms_p50": 5,
            }

        # Health under load: uploads of fresh reports on every core.
        stop = threading.Event()
        uploads = {"ok": 0, "other": 0}

        def load(worker):
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {loader}"}, timeout=300) as c:
                turn = worker
                while not stop.is_set():
                    path = reports[turn % len(reports)]
                    turn += args.ingest_clients
                    with open(path, "rb") as handle:
                        content = handle.read() + f"\n<!-- {worker}-{turn} -->".encode()
                    response = c.post("/v1/files", files={"file": (path.name, content)},
                                      data={"purpose": "file-extract"})
                    uploads["ok" if response.status_code == 200 else "other"] += 1

        threads = [threading.Thread(target=load, args=(index,), daemon=True) for index in range(args.ingest_clients)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        cpu_before = server_cpu(server.pid)
        health_client, health_server = [], []
        with httpx.Client(base_url=server.url, timeout=30) as client:
            deadline = time.perf_counter() + args.health_seconds
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                response = client.get("/healthz")
                health_client.append((time.perf_counter() - begin) * 1000)
                health_server.append(server_ms(response))
                time.sleep(0.02)
        cpu = (server_cpu(server.pid) - cpu_before) / args.health_seconds
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
        summary["healthz_under_ingest"] = {
            "samples": len(health_client), "uploads_ok": uploads["ok"], "uploads_other": uploads["other"],
            "server_cpu_cores": round(cpu, 2),
            "client_ms_p50": round(quantile(health_client, 0.5), 3),
            "client_ms_p99": round(quantile(health_client, 0.99), 3),
            "server_ms_p99": round(quantile(health_server, 0.99), 3),
            "target_ms_p99": 10,
        }
    finally:
        summary["exit"] = server.stop()
        server.cleanup()
    print(json.dumps(summary, indent=2))


def server_cpu(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


if __name__ == "__main__":
    main()
