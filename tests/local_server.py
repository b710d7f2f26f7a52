"""The local server in a test: `cml serve`'s ASGI app under uvicorn on 127.0.0.1, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from cml.embedded.engine import Engine


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
        cls, engine: Engine, *, api_key: str | None, admin_api_key: str | None
    ) -> LocalServer:
        from cml.server.app import create_app

        app = create_app(engine=engine, api_key=api_key, admin_api_key=admin_api_key)
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
