"""The local server in a test: `cml serve`'s ASGI app under uvicorn on 127.0.0.1 in a thread
(`LocalServer`), or `cml serve` itself as a child process (`ServeProcess`)."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from cml.engine.engine import Engine


class LocalServer:
    """An ASGI app served by uvicorn on a loopback socket (a real socket: no mocks)."""

    def __init__(self, app: Any, *, engine: Engine | None = None) -> None:
        import uvicorn

        self.app = app
        #: The engine behind the app, when the test made one (for direct checks on the store).
        self.engine = engine
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # uvicorn sets this only on sockets it creates; without it small replies wait ~40 ms.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @classmethod
    def for_engine(
        cls,
        engine: Engine,
        *,
        api_key: str | None,
        admin_api_key: str | None,
        api_version: str | None = None,
    ) -> LocalServer:
        from cml.server.app import create_app

        app = create_app(
            engine=engine, api_key=api_key, admin_api_key=admin_api_key, api_version=api_version
        )
        return cls(app, engine=engine)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the local server did not start within 30 s")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """`cml serve` as a child process on 127.0.0.1: for tests that kill the server, restart it,
    or run an installed copy. `program` is how to run `cml` (`[sys.executable, "-m", "cml"]`, or
    an installed script); `args` follow `serve --port PORT`. Output is appended to `log`."""

    def __init__(
        self,
        program: Sequence[str | Path],
        *args: str | Path,
        log: Path,
        env: Mapping[str, str],
        port: int | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.port = free_port() if port is None else port
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._command = [str(part) for part in (*program, "serve", "--port", self.port, *args)]
        self._env = dict(env)
        self._cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> float:
        """Start the server; return how many seconds it took to answer /health."""
        started = time.monotonic()
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self._command,
                env=self._env,
                cwd=self._cwd,
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        with httpx.Client(timeout=1.0) as probe:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"cml serve exited with {self.process.returncode}:\n"
                        + self.log.read_text(errors="replace")[-4000:]
                    )
                with contextlib.suppress(httpx.TransportError):
                    if probe.get(f"{self.url}/api/v1/health").status_code == 200:
                        return time.monotonic() - started
                if time.monotonic() - started > timeout:
                    self.stop()
                    raise RuntimeError(f"cml serve did not answer /health within {timeout} s")
                time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as when a machine loses power."""
        assert self.process is not None
        self.process.kill()
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def __enter__(self) -> ServeProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
