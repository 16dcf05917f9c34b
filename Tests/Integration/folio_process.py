"""Start, stop and administer a `folio serve` process (standard library only).

Shared by the integration tests (conftest.py) and the gateway benchmarks (Benchmarks/gateway/*.py), which
put this folder on sys.path. The server prints `folio: listening on http://127.0.0.1:PORT` on stdout once it
accepts connections; `--port 0` lets it pick a free port, which `FolioProcess.start` reads from that line.
Its stderr (one log line per request) goes to `<workdir>/server.log`.
"""
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import threading
import time

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"folio: listening on (http://[^\s/]+)")


class FolioError(RuntimeError):
    pass


class FolioProcess:
    """One `folio serve` on 127.0.0.1 with its own data directory (a fresh temporary one by default)."""

    def __init__(self, binary, data_dir=None, extra_args=(), workdir=None):
        self.binary = str(binary)
        self._tempdir = None
        if workdir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="folio-serve-")
            workdir = self._tempdir.name
        self.workdir = pathlib.Path(workdir)
        self.data_dir = pathlib.Path(data_dir) if data_dir else self.workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.extra_args = [str(a) for a in extra_args]
        self.log_path = self.workdir / "server.log"
        self.process = None
        self.url = None  # http://127.0.0.1:PORT
        self.stdout_lines = []

    @property
    def pid(self):
        return self.process.pid

    @property
    def base_url(self):
        """What `openai.OpenAI(base_url=...)` takes."""
        return self.url + "/v1"

    # Administration through the CLI; it works whether or not the server runs.

    def run_cli(self, *args):
        result = subprocess.run(
            [self.binary, *map(str, args)], capture_output=True, text=True, timeout=60
        )
        if result.returncode != 0:
            raise FolioError(f"folio {' '.join(map(str, args))} exited {result.returncode}: {result.stderr.strip()}")
        return result.stdout

    def create_key(self, tenant, admin=False):
        output = self.run_cli("keys", "create", "--data", self.data_dir, "--tenant", tenant, *(["--admin"] * admin))
        key = output.strip()
        if not key.startswith("sk-") or len(key.split()) != 1:
            raise FolioError(f"folio keys create printed {output!r}, expected only the key (sk-...)")
        return key

    def grant_pass(self, tenant, pass_name="peak-4d"):
        self.run_cli("passes", "grant", "--data", self.data_dir, "--tenant", tenant, "--pass", pass_name)

    # Lifetime.

    def start(self, timeout=60.0):
        """Starts the server and waits for its `listening on` line; raises with the log's tail if it never comes."""
        command = [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(self.data_dir)]
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            command + self.extra_args, stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL
        )
        found = threading.Event()

        def read_stdout():  # keeps draining stdout so the server never blocks on a full pipe
            for raw in self.process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.stdout_lines.append(line)
                match = LISTENING.search(line)
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise FolioError(
                    f"{' '.join(command + self.extra_args)} did not print 'folio: listening on' "
                    f"(exit {self.process.returncode}); stdout {self.stdout_lines[-5:]!r}; log tail:\n{self.log_tail()}"
                )
        return self

    def stop(self, timeout=60.0):
        """SIGTERM, then waits for the drain; returns the exit code (None if it had to be killed)."""
        if self.process is None:
            return None
        if self.process.poll() is not None:
            self._log.close()
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self._log.close()

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process is not None:
            self._log.close()

    def cleanup(self):
        self.kill()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def rss_bytes(self):
        """The server's resident set size now, from /proc/PID/status (VmRSS)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise FolioError("no VmRSS in /proc/PID/status")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()


def folio_binary(default=None):
    """$FOLIO_BINARY, else `default`; None if neither names an executable file."""
    path = os.environ.get("FOLIO_BINARY") or default
    return path if path and os.access(path, os.X_OK) else None
