"""Fixtures for the gateway's integration tests: a live `folio serve` from $FOLIO_BINARY, its keys and clients.

    FOLIO_BINARY=.build/debug/folio python -m pytest Tests/Integration -q

Without FOLIO_BINARY every test here is skipped. The session's server gets a fresh temporary data directory
and port 0; keys are made with `folio keys create` (tenants alpha, beta and pager, an admin key, and tenant vip
holding a pass) before it starts. At the end it gets SIGTERM and must exit 0. Tests that need other flags
(--max-upload-bytes, --rate-limit) start servers of their own through `extra_server`, stopped the same way.
"""
import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from folio_process import REPO_ROOT, FolioProcess, folio_binary as _folio_binary  # noqa: E402

SAMPLES = REPO_ROOT / "Corpora" / "samples"
TENANTS = ("alpha", "beta", "pager")


class Gateway:
    """A running server and the keys made for it."""

    def __init__(self, process, keys):
        self.process = process
        self.keys = keys  # tenant (or "admin") -> key

    @property
    def url(self):
        return self.process.url

    @property
    def base_url(self):
        return self.process.base_url

    def client(self, tenant="alpha", key=None, **options):
        """An official OpenAI client for a tenant; no retries unless asked, so that errors show at once."""
        import openai

        options.setdefault("max_retries", 0)
        options.setdefault("timeout", 60)
        return openai.OpenAI(base_url=self.base_url, api_key=key or self.keys[tenant], **options)

    def headers(self, tenant="alpha"):
        return {"Authorization": f"Bearer {self.keys[tenant]}"}


def pytest_configure(config):
    if os.environ.get("FOLIO_BINARY") and _folio_binary() is None:
        raise pytest.UsageError(f"FOLIO_BINARY={os.environ['FOLIO_BINARY']} is not an executable file")


def pytest_collection_modifyitems(config, items):
    if _folio_binary() is None:
        skip = pytest.mark.skip(reason="set FOLIO_BINARY to a built folio executable to run the gateway tests")
        for item in items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def binary():
    path = _folio_binary()
    if path is None:
        pytest.skip("FOLIO_BINARY is unset or not executable")
    return path


def _stop_and_check(process):
    code = process.stop()
    tail = process.log_tail()
    process.cleanup()
    assert code == 0, f"folio serve exited {code} after SIGTERM (expected 0); log tail:\n{tail}"


@pytest.fixture(scope="session")
def gateway(binary):
    process = FolioProcess(binary)
    keys = {tenant: process.create_key(tenant) for tenant in TENANTS}
    keys["admin"] = process.create_key("ops", admin=True)
    process.grant_pass("vip", "peak-4d")
    keys["vip"] = process.create_key("vip")
    try:
        process.start()
    except Exception:
        process.cleanup()
        raise
    yield Gateway(process, keys)
    _stop_and_check(process)


@pytest.fixture
def extra_server(binary):
    """Starts `folio serve` with extra flags and a key for tenant alpha; each is SIGTERMed at the test's end."""
    started = []

    def start(*args):
        process = FolioProcess(binary, extra_args=args)
        try:
            keys = {"alpha": process.create_key("alpha"), "beta": process.create_key("beta")}
            process.start()
        except Exception:
            process.cleanup()
            raise
        started.append(process)
        return Gateway(process, keys)

    yield start
    for process in started:
        _stop_and_check(process)


@pytest.fixture
def http(gateway):
    import httpx

    with httpx.Client(base_url=gateway.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def samples():
    assert SAMPLES.is_dir(), f"no corpus folder at {SAMPLES}"
    return SAMPLES
