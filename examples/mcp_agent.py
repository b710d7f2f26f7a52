"""An agent host's view of `cml mcp`: launch it over stdio and use its memory tools.

This is what a desktop assistant or an IDE agent does with the configuration in docs/mcp.md;
here the official MCP SDK's client plays the host. Needs `pip install "py-cml[mcp]"`.

python examples/mcp_agent.py [DB_PATH]
"""

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from mcp import Client, StdioServerParameters


async def main(db_path: Path) -> None:
    # The command a host's configuration names: `cml --db PATH mcp` (here through this Python).
    # The SDK passes a child only a few variables (PATH, HOME, ...) unless told: pass ours, as
    # a host's "env" entry passes CML_API_KEY and the like.
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "cml", "--db", str(db_path), "mcp"],
        env=dict(os.environ),
    )
    async with Client(server) as memory:
        tools = await memory.list_tools()
        print("tools:", ", ".join(tool.name for tool in tools.tools))

        for fact in (
            "User prefers vegetarian food and lives in Paris.",
            "The user's dog is called Pixel.",
        ):
            stored = await memory.call_tool("remember", {"text": fact})
            print("remembered:", stored.structured_content["memory_id"])

        found = await memory.call_tool("recall", {"query": "What does the user eat?"})
        best = found.structured_content["memories"][0]
        print(f"recall: [{best['relevance']:.2f}] {best['text']}")
        print(found.structured_content["context"])

        turn = await memory.call_tool(
            "context_for_message", {"message": "What vegetarian food should I cook tonight?"}
        )
        print("context for the next message:\n" + turn.structured_content["context"])

        # A tool error is a result the model can read, not a crash of the host.
        failed = await memory.call_tool("recall", {"query": "dogs", "max_results": 500})
        print(f"error (is_error={failed.is_error}): {failed.content[0].text[:60]}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(Path(sys.argv[1])))
    else:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(main(Path(folder) / "memory.db"))
