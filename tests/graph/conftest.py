"""A real Bolt server for the graph tests: ArcadeDB, whose wheel bundles a JVM and a Bolt plugin
speaking Neo4j's protocol, started in this process on loopback ports."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator

import attrs
import pytest


@attrs.frozen
class BoltServer:
    uri: str
    auth: tuple[str, str]
    database: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """ArcadeDB with its Bolt plugin, once per session (it takes a few seconds to start). Fails,
    never skips: without it, nothing shows the Bolt back end works against a real server."""
    try:
        import arcadedb_embedded  # type: ignore[import-untyped]
        from arcadedb_embedded import jvm
    except ImportError as exc:
        pytest.fail(
            f"the Bolt tests need a real server: pip install arcadedb-embedded ({exc})",
            pytrace=False,
        )
    root = tmp_path_factory.mktemp("arcadedb")
    # ArcadeDB logs to ./log (and the JVM writes crash files there) unless told otherwise.
    logging = root / "logging.properties"
    logging.write_text(
        "handlers = java.util.logging.ConsoleHandler\n"
        ".level = WARNING\n"
        "java.util.logging.ConsoleHandler.level = WARNING\n"
    )
    password = secrets.token_hex(12)
    bolt_port = _free_port()
    try:
        with pytest.MonkeyPatch.context() as patch:  # read once, when the JVM starts
            patch.setenv("ARCADEDB_JVM_ERROR_FILE", str(root / "hs_err_pid%p.log"))
            jvm.start_jvm(heap_size="512m", jvm_args=[f"-Djava.util.logging.config.file={logging}"])
        server = arcadedb_embedded.create_server(
            str(root / "databases"),
            root_password=password,
            config={
                "host": "127.0.0.1",
                "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
                "bolt_port": bolt_port,
                "http_port": _free_port(),
            },
        )
        server.start()
    except Exception as exc:
        pytest.fail(f"ArcadeDB (the Bolt test server) cannot run here: {exc}", pytrace=False)
    try:
        server.create_database("graph")
        yield BoltServer(f"bolt://127.0.0.1:{bolt_port}", ("root", password), "graph")
    finally:
        server.stop()
