"""Serving a recording in Rerun's web viewer on 127.0.0.1 only, fully offline.

The rerun CLI that rerun-sdk ships hosts the recording (gRPC) and the viewer's files, bound
to 127.0.0.1, with its usage analytics turned off in a private configuration directory.
In front of it a small HTTP server hands out the same files with a Content-Security-Policy
that lets the page talk to 127.0.0.1 alone (the viewer would otherwise try fonts, update
checks and telemetry on the internet), and without the page's web-font links.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from orgraph.core.errors import ConfigError, OrgraphError

HOST = "127.0.0.1"
_FONT_LINKS = re.compile(r"<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*/?>\s*", re.S)
_PASS_HEADERS = ("content-type", "content-encoding", "rerun-final-length", "cache-control")


def cli_binary() -> Path:
    """The rerun CLI binary inside the installed rerun-sdk (package rerun_cli)."""
    spec = importlib.util.find_spec("rerun_cli")
    if spec is None or spec.origin is None:
        raise ConfigError(
            "serving needs rerun-sdk, which is not installed: pip install 'orgraph[media]'"
        )
    path = Path(spec.origin).parent / "rerun"
    if not path.is_file():
        raise ConfigError(f"{path}: the rerun CLI binary of rerun-sdk is missing")
    return path


def private_env(home: Path) -> dict[str, str]:
    """The environment for the CLI: configuration and data under `home`, analytics off."""
    env = dict(os.environ)
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")):
        env[var] = str(home / sub)
        (home / sub).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(cli_binary()), "analytics", "disable"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise OrgraphError(f"the rerun viewer server stopped at once (exit {proc.returncode})")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise OrgraphError(f"the rerun viewer server did not listen on {HOST}:{port} in {seconds} s")


def csp(grpc_port: int) -> str:
    """The page's Content-Security-Policy: its own origin and the local gRPC server only."""
    local = f"http://{HOST}:{grpc_port} http://localhost:{grpc_port}"
    return (
        "default-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob: data:; "
        f"connect-src 'self' {local} blob: data:; img-src 'self' blob: data:; "
        "font-src 'self' data:; worker-src 'self' blob:"
    )


def _handler(upstream: int, grpc_port: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            try:
                with urllib.request.urlopen(f"http://{HOST}:{upstream}{path}", timeout=30) as r:
                    body, headers, status = r.read(), r.headers, r.status
            except urllib.error.HTTPError as exc:
                body, headers, status = exc.read(), exc.headers, exc.code
            except OSError:
                self.send_error(502, "the rerun viewer server is not answering")
                return
            if path in ("/", "/index.html"):
                body = _FONT_LINKS.sub("", body.decode("utf-8")).encode("utf-8")
            self.send_response(status)
            for name in _PASS_HEADERS:
                if headers.get(name) is not None:
                    self.send_header(name, headers[name])
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp(grpc_port))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@dataclass
class ViewerServer:
    """A running viewer: the CLI process and the offline front server."""

    web_port: int
    grpc_port: int
    process: subprocess.Popen
    httpd: ThreadingHTTPServer
    thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        source = quote(f"rerun+http://{HOST}:{self.grpc_port}/proxy", safe="")
        return f"http://{HOST}:{self.web_port}/?url={source}"

    def stop(self) -> None:
        """Stop the front server and the CLI process."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve(rrd: Path, web_port: int, grpc_port: int, home: Path) -> ViewerServer:
    """Serve `rrd` at http://127.0.0.1:web_port (gRPC on grpc_port); `home` holds the CLI's
    private configuration."""
    upstream = free_port()
    cmd = [
        str(cli_binary()),
        "--serve-web",
        "--bind",
        HOST,
        "--port",
        str(grpc_port),
        "--web-viewer-port",
        str(upstream),
        str(rrd),
    ]
    log = open(home / "rerun.log", "wb")  # noqa: SIM115 (lives as long as the process)
    process = subprocess.Popen(cmd, env=private_env(home), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(upstream, process)
        _wait_for(grpc_port, process)
        httpd = ThreadingHTTPServer((HOST, web_port), _handler(upstream, grpc_port))
    except BaseException:
        process.terminate()
        process.wait()
        raise
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return ViewerServer(web_port, grpc_port, process, httpd, thread)
