"""`cml mcp`: the memory as a Model Context Protocol server (needs `py-cml[mcp]`).

It works on any public client, embedded or over HTTP, so it imports only the public `cml` API.
"""

from ._server import Transport, build_server, is_loopback, run

__all__ = ["Transport", "build_server", "is_loopback", "run"]
