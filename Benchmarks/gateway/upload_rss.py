#!/usr/bin/env python3
"""Server memory during one large upload: `folio serve`'s RSS while the openai client uploads a 100 MB file.

    pip install -r Benchmarks/peers/requirements-gateway.txt
    swift build -c release
    python3 Benchmarks/gateway/upload_rss.py [.build/release/folio] [--bytes 100000000] [--file PATH]

It starts the server (temporary data directory, port 0), makes a key with `folio keys create`, writes a
deterministic text document of --bytes bytes with Corpora/generate.py (--kind text, seed 1; about 10 s for
100 MB) unless --file is given, warms the server up with one small upload, then uploads the document with
`client.files.create(file=open(path, "rb"), purpose="file-extract")` while a thread reads VmRSS from
/proc/PID/status every --interval s (20 ms). It keeps sampling for --settle s after the response, for work
the server does after answering. VmHWM (the kernel's own peak) is read before and after as a cross-check
of the sampling. The timeline pairs RSS with the bytes the server read and wrote (/proc/PID/io), which
separates receiving the body from extracting it. The server extracts a large file on first use, not on
upload: --content then GETs /v1/files/{id}/content (streamed, discarded) and reports the RSS of that.

Prints a JSON summary: baseline RSS, peak RSS during the request and after it, the growth (target <= 64 MB,
MB = 2^20 bytes here), upload throughput in MB/s (10^6 bytes, over the whole request, extraction included
if the server extracts before it answers), and the file object. Exit 1 if the upload fails or the target
is missed, 0 otherwise.
"""
import argparse
import json
import math
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

import openai

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from folio_process import FolioProcess  # noqa: E402

MIB = 2**20
TARGET_GROWTH_MIB = 64


def proc_status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


class Sampler(threading.Thread):
    """Reads the server's VmRSS every `interval` s; `mark()` splits the samples into phases."""

    def __init__(self, pid, interval):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples = []  # (monotonic seconds, phase, rss bytes)
        self.phase = "idle"
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                rss = proc_status_kib(self.pid, "VmRSS") * 1024
                io = proc_io(self.pid)
            except (OSError, KeyError):
                return
            self.samples.append((time.monotonic(), self.phase, rss, io["rchar"], io["wchar"]))
            self.stopped.wait(self.interval)

    def peak(self, phase):
        values = [rss for _, p, rss, _, _ in self.samples if p == phase]
        return max(values) if values else None

    def peak_between(self, start, end):
        values = [rss for t, _, rss, _, _ in self.samples if start <= t <= end]
        return max(values) if values else 0

    def count(self, phase):
        return sum(1 for _, p, *_ in self.samples if p == phase)

    def timeline(self, start, end=math.inf, points=20):
        """About `points` samples from `start` on: seconds, RSS MiB, and MB the server read and wrote (/proc/PID/io
        rchar and wchar count socket reads and file writes alike, from the upload's start)."""
        samples = [x for x in self.samples if start <= x[0] <= end]
        if not samples:
            return []
        base_read, base_written = samples[0][3], samples[0][4]
        step = max(1, len(samples) // points)
        picked = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
        return [f"{t - start:7.2f} s  rss {rss / MIB:7.1f} MiB  read {(read - base_read) / 1e6:7.1f} MB  "
                f"written {(written - base_written) / 1e6:7.1f} MB" for t, _, rss, read, written in picked]

    def body_received_at(self, start, size):
        """Seconds after `start` when the body was in: the server had written `size` bytes (the stored file) or
        read them (rchar misses some socket reads, wchar the writes of a file that is never flushed)."""
        samples = [x for x in self.samples if x[0] >= start]
        for t, _, _, read, written in samples:
            if max(read - samples[0][3], written - samples[0][4]) >= size:
                return round(t - start, 2)
        return None


def fetch_content(url, key, file_id):
    """GET /v1/files/{id}/content, streamed and discarded (the client holds none of it); returns its size."""
    import httpx

    size = 0
    with httpx.stream("GET", f"{url}/v1/files/{file_id}/content", headers={"Authorization": f"Bearer {key}"},
                      timeout=900) as response:
        for chunk in response.iter_bytes():
            size += len(chunk)
    if response.status_code != 200:
        raise RuntimeError(f"content of {file_id}: HTTP {response.status_code}")
    return size


def proc_io(pid):
    with open(f"/proc/{pid}/io") as io:
        return {name: int(value) for name, value in (line.split(":") for line in io)}


def generate(path, size, seed):
    with open(path, "wb") as out:
        subprocess.run([sys.executable, str(ROOT / "Corpora" / "generate.py"), "--kind", "text", "--bytes",
                        str(size), "--seed", str(seed)], stdout=out, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "release" / "folio"))
    parser.add_argument("--bytes", type=int, default=100_000_000, help="size of the generated document")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", help="upload this file instead of generating one")
    parser.add_argument("--interval", type=float, default=0.02, help="RSS sampling period, seconds")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to keep sampling after the response")
    parser.add_argument("--server-arg", action="append", default=[], help="another flag for folio serve")
    parser.add_argument("--content", action="store_true",
                        help="then GET the file's content (the server extracts a large file on first use) and "
                             "report the RSS of that too")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="folio-upload-rss-") as work:
        path = pathlib.Path(args.file) if args.file else pathlib.Path(work) / "document.txt"
        if not args.file:
            started = time.monotonic()
            generate(path, args.bytes, args.seed)
            print(f"generated {path.stat().st_size:,} bytes in {time.monotonic() - started:.1f} s", file=sys.stderr)
        size = path.stat().st_size
        extra = list(args.server_arg)
        if size > 100 * MIB and "--max-upload-bytes" not in extra:
            extra += ["--max-upload-bytes", str(size)]

        server = FolioProcess(args.binary, extra_args=extra, workdir=pathlib.Path(work) / "server")
        summary = {"file_bytes": size}
        try:
            server.start()  # first: on PostgreSQL (FOLIO_DATABASE_URL) the server applies the schema keys need
            key = server.create_key("rss")
            client = openai.OpenAI(base_url=server.base_url, api_key=key, max_retries=0, timeout=900)
            client.files.create(file=("warmup.txt", b"warm up the upload path\n" * 100), purpose="file-extract")
            time.sleep(0.5)

            sampler = Sampler(server.pid, args.interval)
            sampler.start()
            time.sleep(0.3)  # a few baseline samples
            hwm_before = proc_status_kib(server.pid, "VmHWM") * 1024
            baseline = min(sample[2] for sample in sampler.samples)
            sampler.phase = "upload"
            started = time.monotonic()
            with open(path, "rb") as file:
                created = client.files.create(file=file, purpose="file-extract")
            elapsed = time.monotonic() - started
            sampler.phase = "after"
            time.sleep(args.settle)
            hwm_after = proc_status_kib(server.pid, "VmHWM") * 1024
            settled = time.monotonic()
            content = None
            if args.content:
                sampler.phase = "content"
                content_started = time.monotonic()
                content_bytes = fetch_content(server.url, key, created.id)
                content = {
                    "seconds": round(time.monotonic() - content_started, 2),
                    "response_bytes": content_bytes,
                    "rss_peak_mib": round(sampler.peak("content") / MIB, 1),
                    "rss_growth_mib": round((sampler.peak("content") - baseline) / MIB, 1),
                    "timeline": sampler.timeline(content_started, points=10),
                }
            sampler.stopped.set()
            sampler.join()

            peak = max(filter(None, (sampler.peak("upload"), sampler.peak("after"))))
            received = sampler.body_received_at(started, size)
            growth = (peak - baseline) / MIB
            summary.update({
                "upload_seconds": round(elapsed, 2),
                "upload_mb_per_s": round(size / 1e6 / elapsed, 1),
                "rss_baseline_mib": round(baseline / MIB, 1),
                "rss_peak_during_request_mib": round(sampler.peak("upload") / MIB, 1),
                "rss_peak_after_response_mib": round((sampler.peak("after") or 0) / MIB, 1),
                "rss_growth_mib": round(growth, 1),
                "vmhwm_before_mib": round(hwm_before / MIB, 1),
                "vmhwm_after_mib": round(hwm_after / MIB, 1),
                "vmhwm_growth_over_baseline_mib": round((hwm_after - baseline) / MIB, 1) if hwm_after > hwm_before
                else None,
                "samples": {"upload": sampler.count("upload"), "after": sampler.count("after")},
                "body_received_after_s": received,
                # While the body streams in, and after it (extraction before the response), separately.
                "rss_growth_while_receiving_mib": round((sampler.peak_between(started, started + received)
                                                         - baseline) / MIB, 1) if received else None,
                "rss_growth_after_body_mib": round((sampler.peak_between(started + received, settled)
                                                    - baseline) / MIB, 1) if received else None,
                "timeline": sampler.timeline(started, settled),
                "file": created.model_dump(),
                "target_growth_mib": TARGET_GROWTH_MIB,
                "target_met": growth <= TARGET_GROWTH_MIB and created.bytes == size,
            })
            if content is not None:
                summary["content_after_upload"] = content
        finally:
            summary["server_exit_code"] = server.stop()
            if summary["server_exit_code"] != 0:
                summary["server_log_tail"] = server.log_tail(10).splitlines()
            server.cleanup()
    print(json.dumps(summary, indent=2))
    sys.exit(0 if summary.get("target_met") else 1)


if __name__ == "__main__":
    main()
