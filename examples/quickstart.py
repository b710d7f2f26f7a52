"""The smallest useful py-cml program: remember two things, then recall what matters.

python examples/quickstart.py

Embedded mode: the memory system runs in this process on SQLite, with no server to start.
"""

from cml import EmbeddedCognitiveMemoryLayer

# ":memory:" keeps the store for this run only; pass a file path to keep it across runs.
with EmbeddedCognitiveMemoryLayer(":memory:") as memory:
    memory.write("User prefers vegetarian food and lives in Paris.")
    memory.write("The user's dog is called Pixel.")

    result = memory.read("What does the user eat?")
    print("best match:", result.memories[0].text)
    print(result.context)  # ready to paste into an LLM prompt
