#!/usr/bin/env python3
"""Mixed-workload load test of `folio serve`: priority isolation, 429 behaviour and upload durability.

    pip install -r Benchmarks/peers/requirements-gateway.txt
    swift build -c release
    python3 Benchmarks/gateway/load.py .build/release/folio [--duration 60] [--rate R] [--out summary.json]

It starts the server itself (temporary data directory, port 0, `--workers`, and `--max-files-per-tenant
1000000`: at 2x capacity tenants would otherwise reach the 1,000-file quota within the minute), makes keys with
`folio keys create` for --free-tenants free tenants and --priority-tenants tenants holding a pass
(`folio passes grant --pass peak-4d`), and uploads the corpus samples for every tenant so that packs have
documents. The workload mixes uploads of corpus files, packs (`POST /v1/folio/pack`) over a tenant's
preloaded documents and token estimates of corpus text (--mix); --priority-share of the requests (20 %)
use the pass holders' keys. Phases:

1. probe: closed loop, --probe-concurrency free clients for --probe-duration s; capacity = successes/s.
   Skipped when --rate is given.
2. alone: priority traffic only, open loop (Poisson) at priority-share x rate, for --alone-duration s;
   its p99 latency is the reference.
3. mix: all traffic, open loop at rate (default --rate-multiplier x capacity = 2x) for --duration s.
   A free request answered 429 is retried once, exactly Retry-After seconds later.
4. check: every upload that got 200 must be listed by GET /v1/files for its tenant; then SIGTERM, exit 0.

Latency is measured from each request's scheduled time (open loop, no coordinated omission); priority and
free traffic use separate connection pools so that neither queues behind the other in the client. The
measured requests go through rawhttp.py (pre-encoded bodies on asyncio streams, about a tenth of httpx's
CPU); setup and the final listing use httpx. The generator shares the machine's 2 cores with the server, so
each phase also reports whether it kept up: `start_lag_ms` (scheduled vs actual start), `max_inflight`,
`generator_cpu_cores` and `server_cpu_cores` (CPU seconds per second), and `server_side`: the durations the
server itself logged for the phase, per tier (from its stderr log), which excludes time in the client and
in the kernel's socket queues.

Prints a JSON summary. Targets (reported): priority p99 in the mix <= 1.25 x its p99 alone; >= 80 % of the
free requests answered 429 succeed on their one retry. Hard invariants (exit 1 if broken): no 5xx, no lost
upload, no 429 without Retry-After, and exit code 0 after SIGTERM.
"""
import argparse
import asyncio
import collections
import json
import math
import mimetypes
import os
import pathlib
import random
import re
import resource
import sys
import threading
import time
import zlib

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from folio_process import FolioProcess  # noqa: E402

import rawhttp  # noqa: E402

SAMPLES = ROOT / "Corpora" / "samples"
UPLOAD_FILES = ["annual-report.txt", "annual-report.html", "supply-agreement.txt", "supply-agreement.docx",
                "chinese-essay.txt", "generated/report.txt", "generated/contract.txt"]
PRELOAD_FILES = ["annual-report.txt", "supply-agreement.txt", "generated/report.txt", "generated/contract.txt",
                 "annual-report.html", "supply-agreement.docx"]
TEXT_FILES = ["generated/report.txt", "generated/contract.txt", "annual-report.txt", "chinese-essay.txt"]
QUERIES = ["change of control termination", "revenue by segment and gross margin", "warranty period and remedies",
           "risk factors supply chain", "payment terms and late fees", "indemnification obligations",
           "research and development spending", "governing law and disputes"]
MODELS = ["moonshot-v1-8k", "moonshot-v1-32k", "gpt-4o", "kimi-k2-0905-preview"]
PASS = "peak-4d"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build" / "release" / "folio"))
    parser.add_argument("--duration", type=float, default=60, help="seconds of the mixed phase (>= 60 for a report)")
    parser.add_argument("--alone-duration", type=float, default=20)
    parser.add_argument("--probe-duration", type=float, default=10)
    parser.add_argument("--probe-concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, help="offered requests/s of the mix (default: multiplier x probe)")
    parser.add_argument("--rate-multiplier", type=float, default=2.0)
    parser.add_argument("--priority-share", type=float, default=0.2)
    parser.add_argument("--mix", default="upload=0.2,pack=0.4,estimate=0.4", help="kind=share,...")
    parser.add_argument("--free-tenants", type=int, default=16)
    parser.add_argument("--priority-tenants", type=int, default=4)
    parser.add_argument("--workers", type=int, help="folio serve --workers (default: the server's)")
    parser.add_argument("--nodes", type=int, default=1,
                        help="folio serve processes on the PostgreSQL database $FOLIO_DATABASE_URL names (a fleet); "
                             "requests go to them as --spread says")
    parser.add_argument("--spread", choices=["round-robin", "key"], default="round-robin",
                        help="with --nodes: in turn, or by API key (a sticky load balancer)")
    parser.add_argument("--server-arg", action="append", default=[], help="another flag for folio serve")
    parser.add_argument("--max-inflight", type=int, default=4000, help="client-side cap on requests in flight")
    parser.add_argument("--max-connections", type=int, default=1000, help="connections per class (free, priority)")
    parser.add_argument("--timeout", type=float, default=120, help="per-request timeout, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write the JSON summary here")
    args = parser.parse_args()
    args.mix = {kind: float(share) for kind, share in (item.split("=") for item in args.mix.split(","))}
    unknown = set(args.mix) - {"upload", "pack", "estimate"}
    if unknown:
        parser.error(f"unknown request kinds in --mix: {sorted(unknown)}")
    return args


def percentile(values, fraction):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


class Tenant:
    def __init__(self, name, key, priority):
        self.name, self.key, self.priority = name, key, priority
        self.documents = []  # preloaded file ids, for packs
        self.uploaded = []  # every file id that an upload got 200 for

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.key}"}


class Outcome:
    __slots__ = ("status", "headers", "body", "error", "latency")

    def __init__(self, status=None, headers=None, body=None, error=None, latency=0.0):
        self.status, self.headers, self.body, self.error, self.latency = status, headers, body, error, latency


class Recorder:
    """Counts and latencies per phase, class (priority/free) and request kind."""

    def __init__(self):
        self.latencies = collections.defaultdict(list)  # (phase, class, kind) -> seconds, successes only
        self.statuses = collections.defaultdict(collections.Counter)  # (phase, class) -> "200", "429:type", ...
        self.errors = collections.defaultdict(collections.Counter)  # (phase, class) -> exception name
        self.retry_after = collections.Counter()  # Retry-After values seen on free 429s in the mix
        self.without_retry_after = []  # (phase, class, kind, status) of 429s lacking Retry-After
        self.retries = collections.Counter()  # "sent", "ok", and "status:NNN" of the single retries
        self.server_errors = []  # (phase, class, kind, status, body excerpt)
        self.sent = collections.Counter()  # (phase) -> requests started
        self.dropped = collections.Counter()  # (phase) -> not sent: the client cap on in-flight requests
        self.lag = collections.defaultdict(list)  # phase -> seconds between scheduled and actual start
        self.max_inflight = collections.Counter()  # phase -> most requests in flight at once
        self.generator = {}  # phase -> {"cpu_share": ..., "server_side": ...}

    def record(self, phase, cls, kind, outcome):
        if outcome.error is not None:
            self.errors[(phase, cls)][outcome.error] += 1
            return
        label = str(outcome.status)
        if outcome.status >= 400 and isinstance(outcome.body, dict) and isinstance(outcome.body.get("error"), dict):
            label += ":" + str(outcome.body["error"].get("type"))
        self.statuses[(phase, cls)][label] += 1
        if outcome.status == 200:
            self.latencies[(phase, cls, kind)].append(outcome.latency)
        if outcome.status >= 500:
            self.server_errors.append((phase, cls, kind, outcome.status, json.dumps(outcome.body)[:200]))
        if outcome.status == 429 and outcome.headers.get("retry-after") is None:
            self.without_retry_after.append((phase, cls, kind, outcome.status))

    def class_summary(self, phase, cls):
        latencies = [x for (p, c, _), values in self.latencies.items() if p == phase and c == cls for x in values]
        by_kind = {}
        for (p, c, kind), values in sorted(self.latencies.items()):
            if p == phase and c == cls:
                by_kind[kind] = {"ok": len(values), "p50_ms": ms(percentile(values, 0.5)),
                                 "p99_ms": ms(percentile(values, 0.99))}
        statuses = self.statuses[(phase, cls)]
        return {
            "responses": sum(statuses.values()),
            "ok": statuses.get("200", 0),
            "statuses": dict(sorted(statuses.items())),
            "connection_errors": dict(self.errors[(phase, cls)]),
            "p50_ms": ms(percentile(latencies, 0.5)),
            "p99_ms": ms(percentile(latencies, 0.99)),
            "by_kind": by_kind,
        }


class Spread:
    """Requests to several nodes as a load balancer sends them: in turn (round-robin; a retry goes to the
    next node), or by API key (sticky: a tenant's requests, retries included, reach the same node)."""

    def __init__(self, clients, sticky=False):
        self.clients, self.turn, self.sticky = clients, 0, sticky

    async def request(self, method, path, headers, body):
        if self.sticky:
            index = zlib.crc32(headers["Authorization"].encode()) % len(self.clients)
        else:
            index = self.turn % len(self.clients)
            self.turn += 1
        return await self.clients[index].request(method, path, headers, body)

    async def close(self):
        for client in self.clients:
            await client.close()

    @property
    def opened(self):
        return sum(client.opened for client in self.clients)


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.recorder = Recorder()
        self.uploads = {name: (SAMPLES / name).read_bytes() for name in UPLOAD_FILES}
        self.texts = [(SAMPLES / name).read_text(encoding="utf-8") for name in TEXT_FILES]
        self.kinds, self.kind_weights = zip(*args.mix.items())
        self.tenants = {True: [], False: []}  # priority? -> tenants
        self.upload_counter = 0
        self.estimates = self.estimate_bodies()
        self.inflight = set()
        self.process = None
        self.processes = []
        self.rss_samples = []

    # Requests.

    def estimate_bodies(self, count=256):
        """Pre-encoded estimate bodies: 0.5-10 KB slices of corpus text, a few models."""
        bodies = []
        for _ in range(count):
            text = self.rng.choice(self.texts)
            start = self.rng.randrange(0, max(1, len(text) - 1000))
            content = text[start:start + self.rng.randrange(500, 10_000)]
            body = {"model": self.rng.choice(MODELS), "messages": [{"role": "user", "content": content}]}
            bodies.append(json.dumps(body).encode())
        return bodies

    def build(self, kind, tenant):
        """(path, content type, body bytes) of one request of a kind (all are POSTs)."""
        rng = self.rng
        if kind == "upload":
            name = rng.choice(UPLOAD_FILES)
            self.upload_counter += 1
            filename = f"load-{self.upload_counter}-{pathlib.Path(name).name}"
            mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            boundary = f"folio-load-{self.upload_counter:x}"
            body = b"".join([
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfile-extract\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                f"Content-Type: {mime}\r\n\r\n".encode(),
                self.uploads[name],
                f"\r\n--{boundary}--\r\n".encode(),
            ])
            return "/v1/files", f"multipart/form-data; boundary={boundary}", body
        if kind == "pack":
            file_ids = rng.sample(tenant.documents, k=min(2, len(tenant.documents)))
            body = {"query": rng.choice(QUERIES), "file_ids": file_ids,
                    "budget_tokens": rng.choice([500, 2000, 4000]), "model": "moonshot-v1-8k"}
            return "/v1/folio/pack", "application/json", json.dumps(body).encode()
        return "/v1/tokenizers/estimate-token-count", "application/json", rng.choice(self.estimates)

    async def send(self, client, tenant, request, intended, kind):
        path, content_type, body = request
        headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": content_type}
        try:
            response = await client.request("POST", path, headers, body)
        except asyncio.TimeoutError:
            return Outcome(error="Timeout", latency=time.monotonic() - intended)
        except (OSError, asyncio.IncompleteReadError, rawhttp.ResponseError) as error:
            return Outcome(error=type(error).__name__, latency=time.monotonic() - intended)
        latency = time.monotonic() - intended
        parsed = None
        if response.status != 200 or kind == "upload":  # a 200 estimate or pack is not parsed: generator CPU
            try:
                parsed = json.loads(response.body)
            except ValueError:
                parsed = response.body[:200].decode("utf-8", "replace")
        return Outcome(response.status, response.headers, parsed, latency=latency)

    async def one(self, phase, client, priority, intended):
        """One request of the mix; a free 429 is retried once, Retry-After seconds later."""
        self.recorder.lag[phase].append(time.monotonic() - intended)
        tenant = self.rng.choice(self.tenants[priority])
        kind = self.rng.choices(self.kinds, self.kind_weights)[0]
        request = self.build(kind, tenant)
        cls = "priority" if priority else "free"
        outcome = await self.send(client, tenant, request, intended, kind)
        self.recorder.record(phase, cls, kind, outcome)
        self.note_upload(kind, tenant, outcome)
        if outcome.status != 429 or priority or phase != "mix":
            return
        retry_after = outcome.headers.get("retry-after")
        if retry_after is None:
            return  # recorded as a broken invariant; nothing to wait for
        self.recorder.retry_after[retry_after] += 1
        await asyncio.sleep(float(retry_after))
        retried = await self.send(client, tenant, request, time.monotonic(), kind)
        self.recorder.record("retry", cls, kind, retried)
        self.note_upload(kind, tenant, retried)
        self.recorder.retries["sent"] += 1
        self.recorder.retries["ok" if retried.status == 200 else f"failed:{retried.status or retried.error}"] += 1

    @staticmethod
    def note_upload(kind, tenant, outcome):
        if kind == "upload" and outcome.status == 200 and isinstance(outcome.body, dict) and "id" in outcome.body:
            tenant.uploaded.append(outcome.body["id"])

    def start_task(self, coroutine):
        task = asyncio.ensure_future(coroutine)
        self.inflight.add(task)
        task.add_done_callback(self.inflight.discard)

    # Phases.

    async def open_loop(self, phase, rate, duration, priority_share, clients):
        """Poisson arrivals at `rate`/s for `duration` s; each is priority with probability `priority_share`."""
        loop = asyncio.get_running_loop()
        start = next_at = loop.time()
        offset = time.monotonic() - start  # loop time -> time.monotonic
        while True:
            next_at += self.rng.expovariate(rate)
            if next_at - start >= duration:
                break
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(self.inflight) >= self.args.max_inflight:
                self.recorder.dropped[phase] += 1
                continue
            priority = self.rng.random() < priority_share
            self.recorder.sent[phase] += 1
            self.start_task(self.one(phase, clients[priority], priority, next_at + offset))
            self.recorder.max_inflight[phase] = max(self.recorder.max_inflight[phase], len(self.inflight))
        elapsed = loop.time() - start
        await self.drain()
        return elapsed

    async def measured(self, phase, coroutine):
        """Runs a phase; records the generator's CPU share and the server's own view of it (its log)."""
        log_start, cpu_start, wall_start = self.log_size(), time.process_time(), time.monotonic()
        server_cpu_start = sum(self.server_cpu_seconds(process) for process in self.processes)
        result = await coroutine
        wall = time.monotonic() - wall_start
        self.recorder.generator[phase] = {
            "generator_cpu_cores": round((time.process_time() - cpu_start) / wall, 2),
            "server_cpu_cores": round(
                (sum(self.server_cpu_seconds(process) for process in self.processes) - server_cpu_start) / wall, 2),
            "server_side": server_side_latencies(self.process.log_path, log_start, self.log_size()),
        }
        return result

    @staticmethod
    def server_cpu_seconds(process):
        """User + system CPU time of a server so far (/proc/PID/stat fields 14 and 15)."""
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_size(self):
        try:
            return self.process.log_path.stat().st_size
        except OSError:
            return 0

    async def drain(self, limit=300):
        deadline = time.monotonic() + limit
        while self.inflight and time.monotonic() < deadline:
            await asyncio.wait(set(self.inflight), timeout=max(0.1, deadline - time.monotonic()))

    async def probe(self, client):
        """Closed loop with free keys only: the server's capacity in successful requests per second."""
        loop = asyncio.get_running_loop()
        warmup = min(2.0, self.args.probe_duration / 4)
        start = loop.time()
        measured_from, end = start + warmup, start + warmup + self.args.probe_duration
        done = collections.Counter()

        async def worker():
            while loop.time() < end:
                tenant = self.rng.choice(self.tenants[False])
                kind = self.rng.choices(self.kinds, self.kind_weights)[0]
                outcome = await self.send(client, tenant, self.build(kind, tenant), time.monotonic(), kind)
                self.recorder.record("probe", "free", kind, outcome)
                self.note_upload(kind, tenant, outcome)
                if loop.time() >= measured_from and loop.time() < end and outcome.status == 200:
                    done["ok"] += 1
                if outcome.status == 429:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(worker() for _ in range(self.args.probe_concurrency)))
        return done["ok"] / self.args.probe_duration

    # Setup and checks.

    def make_tenants(self):
        for priority, count in ((False, self.args.free_tenants), (True, self.args.priority_tenants)):
            for index in range(count):
                name = f"{'vip' if priority else 'free'}-{index}"
                if priority:
                    self.process.grant_pass(name, PASS)
                self.tenants[priority].append(Tenant(name, self.process.create_key(name), priority))

    async def preload(self, client, concurrency=8):
        gate = asyncio.Semaphore(concurrency)

        async def load_one(tenant, name):
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            files = {"file": (pathlib.Path(name).name, (SAMPLES / name).read_bytes(), mime)}
            async with gate:
                response = await patient(client, "POST", "/v1/files", headers=tenant.headers, files=files,
                                         data={"purpose": "file-extract"})
            if response.status_code != 200:
                raise RuntimeError(f"preloading {name} for {tenant.name}: {response.status_code} {response.text}")
            tenant.documents.append(response.json()["id"])
            tenant.uploaded.append(response.json()["id"])

        every = [tenant for group in self.tenants.values() for tenant in group]
        await asyncio.gather(*(load_one(tenant, name) for tenant in every for name in PRELOAD_FILES))

    async def lost_uploads(self, client):
        """Ids that got 200 on upload but that GET /v1/files does not list, per tenant."""
        lost = {}
        for tenant in (t for group in self.tenants.values() for t in group):
            listed, after = set(), None
            for _ in range(1000):  # pages; a server that ignores `after` must not loop forever
                params = {"limit": 100, **({"after": after} if after else {})}
                response = await patient(client, "GET", "/v1/files", headers=tenant.headers, params=params)
                response.raise_for_status()
                page = response.json()
                listed.update(item["id"] for item in page["data"])
                if not page.get("has_more") or not page["data"]:
                    break
                after = page["data"][-1]["id"]
            missing = sorted(set(tenant.uploaded) - listed)
            if missing:
                lost[tenant.name] = missing
        return lost

    def sample_rss(self, stop):
        while not stop.is_set():
            try:
                self.rss_samples.append(self.process.rss_bytes())
            except (OSError, RuntimeError):
                return
            stop.wait(1.0)

    async def run(self):
        args = self.args
        extra = (["--workers", str(args.workers)] if args.workers else []) + args.server_arg
        if not any(arg.startswith("--max-files-per-tenant") for arg in extra):
            # The test is not about the 1,000-file quota: at 2x capacity tenants would reach it within a minute.
            extra += ["--max-files-per-tenant", "1000000"]
        if args.nodes > 1:
            if not os.environ.get("FOLIO_DATABASE_URL"):
                raise SystemExit("--nodes needs FOLIO_DATABASE_URL (a postgres:// URL the nodes share)")
            extra += ["--migrate"]
        self.processes = [FolioProcess(args.binary, extra_args=extra) for _ in range(args.nodes)]
        self.process = self.processes[0]
        summary = {"config": {key: value for key, value in vars(args).items()}}
        stop_sampling = threading.Event()
        try:
            for process in self.processes:
                process.start()
            self.make_tenants()
            threading.Thread(target=self.sample_rss, args=(stop_sampling,), daemon=True).start()
            for process in self.processes:
                log(f"folio serve at {process.url} (pid {process.pid}); data in {process.data_dir}")
            # Separate pools, so that priority requests never wait behind free ones in the client.
            clients = {}
            for priority in (False, True):
                pools = []
                for process in self.processes:
                    host, port = process.url.removeprefix("http://").rsplit(":", 1)
                    pools.append(rawhttp.RawClient(
                        host, int(port), max(1, args.max_connections // args.nodes), args.timeout))
                clients[priority] = Spread(pools, sticky=args.spread == "key")
            async with httpx.AsyncClient(base_url=self.process.url, timeout=args.timeout) as setup:
                await self.preload(setup)
                log(f"preloaded {len(PRELOAD_FILES)} documents for each of "
                    f"{args.free_tenants + args.priority_tenants} tenants")

                if args.rate:
                    capacity, rate = None, args.rate
                else:
                    log(f"probe: closed loop, {args.probe_concurrency} clients, {args.probe_duration:.0f} s")
                    capacity = await self.probe(clients[False])
                    rate = max(1.0, args.rate_multiplier * capacity)
                    log(f"capacity {capacity:.1f} req/s -> offered rate {rate:.1f} req/s")
                summary["capacity_rps"] = None if capacity is None else round(capacity, 1)
                summary["offered_rps"] = round(rate, 1)

                priority_rate = rate * args.priority_share
                log(f"alone: priority only at {priority_rate:.1f} req/s for {args.alone_duration:.0f} s")
                alone_elapsed = await self.measured(
                    "alone", self.open_loop("alone", priority_rate, args.alone_duration, 1.0, clients))
                log(f"mix: {rate:.1f} req/s ({args.priority_share:.0%} priority) for {args.duration:.0f} s")
                mix_elapsed = await self.measured(
                    "mix", self.open_loop("mix", rate, args.duration, args.priority_share, clients))
                lost = await self.lost_uploads(setup)
                self.connections_opened = {("priority" if p else "free"): c.opened for p, c in clients.items()}
                for client in clients.values():
                    await client.close()
        finally:
            stop_sampling.set()
            codes = [process.stop() for process in self.processes]
            code = next((c for c in codes if c != 0), codes[0] if codes else None)
            summary["server_log_tail"] = self.process.log_tail(5).splitlines()
            for process in self.processes:
                process.cleanup()
        summary.update(self.report(alone_elapsed, mix_elapsed, lost, code))
        return summary

    def generator_view(self, phase):
        """Whether the generator kept up: its start lag, most requests in flight, CPU share; the server's log."""
        r = self.recorder
        return {
            "start_lag_ms": {"p50": ms(percentile(r.lag[phase], 0.5)), "p99": ms(percentile(r.lag[phase], 0.99))},
            "max_inflight": r.max_inflight[phase],
            **r.generator.get(phase, {}),
        }

    def report(self, alone_elapsed, mix_elapsed, lost, exit_code):
        r = self.recorder
        alone = r.class_summary("alone", "priority")
        mix_priority, mix_free = r.class_summary("mix", "priority"), r.class_summary("mix", "free")
        ratio = None
        if alone["p99_ms"] and mix_priority["p99_ms"]:
            ratio = round(mix_priority["p99_ms"] / alone["p99_ms"], 3)
        free_429 = sum(n for label, n in mix_free["statuses"].items() if label.startswith("429"))
        retry_share = r.retries["ok"] / r.retries["sent"] if r.retries["sent"] else None
        five_xx = len(r.server_errors)
        connection_errors = sum(sum(counter.values()) for counter in r.errors.values())
        uploads_ok = sum(len(t.uploaded) for group in self.tenants.values() for t in group)
        lost_count = sum(len(ids) for ids in lost.values())
        rss = [x / 2**20 for x in self.rss_samples]
        invariants = {
            "no_5xx": five_xx == 0,
            "no_lost_uploads": lost_count == 0,
            "every_429_has_retry_after": not r.without_retry_after,
            "exit_0_after_sigterm": exit_code == 0,
        }
        return {
            "alone": {"elapsed_s": round(alone_elapsed, 1), "sent": r.sent["alone"], "priority": alone,
                      **self.generator_view("alone")},
            "mix": {
                "elapsed_s": round(mix_elapsed, 1),
                "sent": r.sent["mix"],
                "achieved_rps": round(r.sent["mix"] / mix_elapsed, 1) if mix_elapsed else None,
                "dropped_by_client_cap": r.dropped["mix"],
                **self.generator_view("mix"),
                "priority": {**mix_priority, "p99_ratio_to_alone": ratio},
                "free": {
                    **mix_free,
                    "429": free_429,
                    "429_with_retry_after": free_429 - sum(x[:2] == ("mix", "free") for x in r.without_retry_after),
                    "retry_after_values_s": dict(sorted(r.retry_after.items(), key=lambda kv: float(kv[0]))),
                    "retries": {**dict(r.retries), "success_share": None if retry_share is None
                                else round(retry_share, 3)},
                },
            },
            "retry_phase": {"free": r.class_summary("retry", "free")},
            "5xx": five_xx,
            "5xx_examples": r.server_errors[:5],
            "connection_errors": connection_errors,
            "429_without_retry_after": len(r.without_retry_after),
            "uploads": {"ok": uploads_ok, "lost": lost_count, "lost_ids": {k: v[:10] for k, v in lost.items()}},
            "connections_opened": getattr(self, "connections_opened", None),
            "server": {"exit_code": exit_code, "rss_mb_max": round(max(rss), 1) if rss else None,
                       "rss_mb_first": round(rss[0], 1) if rss else None},
            "targets": {
                "priority_p99_ratio<=1.25": None if ratio is None else ratio <= 1.25,
                "retry_success_share>=0.8": None if retry_share is None else retry_share >= 0.8,
            },
            "invariants": invariants,
            "ok": all(invariants.values()),
        }


# A request's log line: "... tenant=T tier=C [FolioServer] METHOD PATH STATUS 12.3 ms".
LOG_LINE = re.compile(r"tier=(\S+) .*\] (\S+) (\S+) (\d{3}) ([\d.]+) ms\s*$")


def server_side_latencies(path, start, end):
    """Per tier: count, statuses and p50/p99 of the durations the server logged between two offsets."""
    durations, statuses = collections.defaultdict(list), collections.defaultdict(collections.Counter)
    try:
        with open(path, "rb") as log_file:
            log_file.seek(start)
            lines = log_file.read(max(0, end - start)).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    for line in lines:
        match = LOG_LINE.search(line)
        if match:
            tier, _, _, status, duration = match.groups()
            durations[tier].append(float(duration) / 1000)
            statuses[tier][status] += 1
    return {tier: {"count": len(values), "statuses": dict(statuses[tier]),
                   "p50_ms": ms(percentile(values, 0.5)), "p99_ms": ms(percentile(values, 0.99))}
            for tier, values in sorted(durations.items())}


async def patient(client, method, path, attempts=20, **kwargs):
    """A setup or check request (not measured): on 429 it waits Retry-After (else 1 s) and tries again."""
    for _ in range(attempts):
        response = await client.request(method, path, **kwargs)
        if response.status_code != 429:
            return response
        await asyncio.sleep(float(response.headers.get("retry-after", 1)))
    return response


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def raise_open_file_limit():
    """Up to 2 x --max-connections sockets here and as many in the server (a child: it inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main():
    args = parse_args()
    raise_open_file_limit()
    summary = asyncio.run(LoadTest(args).run())
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        pathlib.Path(args.out).write_text(text + "\n")
    if not summary["ok"]:
        broken = [name for name, ok in summary["invariants"].items() if not ok]
        log(f"hard invariants broken: {', '.join(broken)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
