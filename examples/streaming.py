"""Remember an LLM's streamed answer while showing it to the user, chunk by chunk.

python examples/streaming.py [DB_PATH]

The "LLM" is a generator with small pauses between tokens; with OpenAI, pass the stream of
`client.chat.completions.create(..., stream=True)` instead: chunk objects work as they are.
"""

import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from cml import EmbeddedCognitiveMemoryLayer
from cml.streaming import StreamingOptions

QUESTION = "Where does Alice live, and what does she do?"
ANSWER = (
    "Alice lives in Lisbon. Alice works at Tideway Labs, where she designs harbour sensors. "
    "She moved there in 2019 and likes the old tram lines. "
    "On weekends she sails along the Tagus."
)


def fake_llm(text: str) -> Iterator[str]:
    """Yield the answer word by word, as a model streaming tokens would."""
    for word in text.split(" "):
        time.sleep(0.02)
        yield word + " "


def main(db_path: Path) -> None:
    with EmbeddedCognitiveMemoryLayer(db_path) as memory:
        options = StreamingOptions(
            store_partial_response=True,  # a partial memory, updated as the answer flows
            partial_update_interval=0.2,  # seconds
            progressive_fact_extraction=True,  # facts as semantic memories, each once
            fact_extraction_threshold=80,
            progressive_graph_sync=True,  # the SQLite graph in the same file
            generate_resume_token=True,  # a failure would raise ResumableStreamError
        )
        stream = memory.remember_stream(fake_llm(ANSWER), user_message=QUESTION, options=options)

        print(f"User: {QUESTION}\nAssistant: ", end="", flush=True)
        for chunk in stream:  # each chunk the moment it arrives; storage runs in the background
            print(chunk, end="", flush=True)
        print("\n")

        result = stream.result
        metrics = result.metrics
        print(
            f"answer memory:    {result.answer_memory_id} (partial updates: "
            f"{metrics.partial_updates})"
        )
        print(f"user message:     {result.user_memory_id}")
        print(
            f"chunks:           {metrics.total_chunks}, {metrics.total_bytes} bytes, "
            f"~{metrics.estimated_tokens} tokens, first after "
            f"{metrics.first_chunk_latency_ms:.0f} ms, {metrics.duration_ms:.0f} ms in all"
        )
        print(f"stream type:      {metrics.stream_type}")
        print(f"facts:            {', '.join(f.fact.text for f in result.facts)}")
        print(f"graph syncs:      {', '.join(e.phase for e in result.graph_syncs)}")
        print(f"errors:           {len(result.errors)}")
        for insight in result.insights:
            print(f"insight:          [{insight.kind}] {insight.message}")

        found = memory.read("Where does Alice work?").memories
        print(f"\nrecalled: {found[0].text if found else '(nothing)'}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "memory.db")
