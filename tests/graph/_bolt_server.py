"""
ArcadeDB with its Bolt plugin, in a process of its own: `python _bolt_server.py ROOT`.

The graph tests start this script rather than the JVM inside pytest: a JVM shutting down at
interpreter exit beside other native runtimes (onnxruntime, torch) can crash the process after
every test has passed. Prints one JSON line (the Bolt port, password and database) once the
server answers, then serves until its standard input closes.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(root: Path) -> None:
    import arcadedb_embedded  # type: ignore[import-untyped]
    from arcadedb_embedded import jvm

    # ArcadeDB logs to ./log (and the JVM writes crash files there) unless told otherwise.
    logging = root / "logging.properties"
    logging.write_text(
        "handlers = java.util.logging.ConsoleHandler\n"
        ".level = WARNING\n"
        "java.util.logging.ConsoleHandler.level = WARNING\n"
    )
    os.environ["ARCADEDB_JVM_ERROR_FILE"] = str(root / "hs_err_pid%p.log")
    jvm.start_jvm(heap_size="512m", jvm_args=[f"-Djava.util.logging.config.file={logging}"])
    password = secrets.token_hex(12)
    bolt_port = free_port()
    server = arcadedb_embedded.create_server(
        str(root / "databases"),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt_port,
            "http_port": free_port(),
        },
    )
    server.start()
    server.create_database("graph")
    print(json.dumps({"port": bolt_port, "password": password, "database": "graph"}), flush=True)
    sys.stdin.read()  # until the test session closes the pipe (or dies)
    server.stop()
    sys.stdout.flush()
    # Skip the JVM's own teardown at exit: the server is stopped, and nothing is left to save.
    os._exit(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
