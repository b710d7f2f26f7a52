"""Embedded mode: the whole memory system in this process, on a SQLite file. No server.

python examples/embedded_mode.py [DB_PATH]
"""

import sys
import tempfile
from pathlib import Path

from cml import EmbeddedCognitiveMemoryLayer

MEMORIES = [
    "The weekly team meeting moved to Thursday at 10am.",
    "The car needs new tyres before the winter.",
    "User prefers vegetarian food and lives in Paris.",
    "Football practice is on Saturday mornings.",
    "The quarterly report is due at the end of the month.",
    "Never schedule calls before 9am.",
]


def main(db_path: Path) -> None:
    with EmbeddedCognitiveMemoryLayer(db_path) as memory:
        for text in MEMORIES:
            memory.write(text)

        query = "What does the user eat?"
        result = memory.read(query)
        print(f"Top memories for {query!r}:")
        for rank, item in enumerate(result.memories[:3], start=1):
            print(f"  {rank}. [{item.relevance:.2f}] ({item.type}) {item.text}")

        # The same read gives the block to put in the prompt, built from those memories.
        print(f"\nContext for the LLM prompt, for {query!r}:\n")
        print(result.context)
        print(memory.stats())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "memory.db")
