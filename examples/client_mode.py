"""Client mode: the same API against a CML server over HTTP.

Start a local server first (or point CML_BASE_URL at a CML 2.0.0 server;
for a 1.5.1 server set CML_API_VERSION=1.5.1):

    cml serve --db /tmp/cml.db &
    CML_BASE_URL=http://127.0.0.1:8000 python examples/client_mode.py
"""

import asyncio

from cml import AsyncCognitiveMemoryLayer, CognitiveMemoryLayer


def sync_example() -> None:
    with CognitiveMemoryLayer() as memory:  # CML_BASE_URL, CML_API_KEY from the environment
        print(memory.check_server().message)
        memory.write("User prefers vegetarian food and lives in Paris.")
        memory.write("The user's dog is called Pixel.")
        for item in memory.read("What does the user eat?").memories[:3]:
            print(f"  [{item.relevance:.2f}] {item.text}")

        with memory.session(name="dinner planning") as session:
            turn = session.turn("Can you suggest a restaurant?")
            print("memory context for this turn:\n" + turn.memory_context)


async def async_example() -> None:
    async with AsyncCognitiveMemoryLayer() as memory:
        reads = await memory.batch_read(["dog", "food"])
        for result in reads:
            print(result.query, "->", [item.text for item in result.memories[:1]])
        async for item in memory.read_stream("Paris", max_results=3):
            print("streamed:", item.text)


if __name__ == "__main__":
    sync_example()
    asyncio.run(async_example())
