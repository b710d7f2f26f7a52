"""A chat loop whose model remembers what the user said in an earlier conversation.

python examples/chat_with_memory.py [DB_PATH]

`memory.chat(message, llm)` does one exchange: it reads the memories relevant to the message,
hands them to `llm` in the system prompt, and stores the exchange. The "LLM" here is a small
deterministic function with no state of its own: whatever it knows comes from that prompt. For
a real model pass `cml.llm.openai_chat(OpenAI(), model="gpt-4o-mini")` instead.
"""

import re
import sys
import tempfile
from pathlib import Path

from cml import EmbeddedCognitiveMemoryLayer

FIRST_CONVERSATION = [
    "What's my dog called?",
    "My dog is called Pixel and I live in Lisbon.",
    "I'm vegetarian, by the way.",
]
# A day later: a new client on the same file, as a new process would open it.
SECOND_CONVERSATION = [
    "Where do I live?",
    "What's my dog called?",
]


def fake_llm(messages: list[dict[str, str]]) -> str:
    """Answer from the memory context in the system message, or admit not knowing."""
    context = messages[0]["content"]
    question = messages[-1]["content"]
    if asked := re.search(r"what's my (\w+) called", question, re.IGNORECASE):
        thing = asked.group(1)
        known = re.search(rf"my {thing} is called (\w+)", context, re.IGNORECASE)
        return f"Your {thing} is called {known.group(1)}." if known else "I don't know yet."
    if re.search(r"where do I live", question, re.IGNORECASE):
        known = re.search(r"I live in (\w+)", context)
        return f"You live in {known.group(1)}." if known else "I don't know yet."
    return "Got it, I'll remember that."


def converse(db_path: Path, title: str, messages: list[str]) -> None:
    print(f"--- {title} ---")
    with EmbeddedCognitiveMemoryLayer(db_path) as memory:
        for message in messages:
            reply = memory.chat(message, fake_llm)
            remembered = reply.memory_context.count("\n- ")
            print(f"User:      {message}")
            print(f"Assistant: {reply.text}  ({remembered} memories in the prompt)")


def main(db_path: Path) -> None:
    converse(db_path, "first conversation", FIRST_CONVERSATION)
    converse(db_path, "the next day", SECOND_CONVERSATION)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "memory.db")
