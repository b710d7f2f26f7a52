"""Write a few hundred memories in one call, see which ones failed and why, then read in bulk.

python examples/batch_operations.py [DB_PATH]

`batch_write` returns one result per item, in input order: a bad item fails alone, with its
error, and never takes the rest of the batch down. `batch_read` does the same for queries.
"""

import sys
import tempfile
from pathlib import Path
from typing import Any

from cml import EmbeddedCognitiveMemoryLayer

CITIES = ["Lisbon", "Porto", "Madrid", "Lyon", "Turin"]
PRODUCTS = ["espresso machine", "road bike", "desk lamp", "rain jacket", "tea kettle", "drone"]
BAD_INDEX = 120


def support_notes() -> list[dict[str, Any]]:
    """300 notes imported from an old ticket system, plus one broken record."""
    items: list[dict[str, Any]] = [
        {
            "content": f"Ticket {n}: a customer in {CITIES[n % 5]} reported a faulty "
            f"{PRODUCTS[n % 6]}.",
            "metadata": {"ticket": n},
        }
        for n in range(300)
    ]
    # Items with write options a batch request cannot carry are written one by one.
    items.append(
        {
            "content": "Customers in Lyon prefer replacement over refund.",
            "memory_type": "preference",
            "context_tags": ["world"],
        }
    )
    items.insert(BAD_INDEX, {"content": "   "})  # the broken record: no text at all
    return items


def main(db_path: Path) -> None:
    items = support_notes()
    with EmbeddedCognitiveMemoryLayer(db_path) as memory:
        results = memory.batch_write(items)
        # "stored" only when a memory was stored: a duplicate of an existing memory is
        # reinforced instead, and says so ("skipped"); a failed item carries its error.
        stored = sum(result.memory_id is not None for result in results)
        duplicates = sum(result.eval_outcome == "skipped" for result in results)
        print(f"batch_write: {stored} of {len(items)} items stored, {duplicates} duplicates")
        for index, result in enumerate(results):
            if not result.ok:
                print(f"  item {index} failed: {type(result.error).__name__}: {result.message}")
        # Plain items travel in write_batch requests (up to 500 per request); embedded mode and
        # `cml serve` answer with each item's memory id (the live servers give counts only).
        print(f"  item 0: {results[0].message} memory {results[0].memory_id}")
        print(f"  item {len(items) - 1}: memory {results[-1].memory_id}")

        queries = ["faulty drone in Porto", "refund or replacement in Lyon", ""]
        print("batch_read:")
        for read in memory.batch_read(queries, max_results=1):
            if read.ok:
                print(f"  {read.query!r} -> {read.memories[0].text}")
            else:
                print(f"  {read.query!r} failed: {type(read.error).__name__}: {read.error}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "memory.db")
