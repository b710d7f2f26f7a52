from enum import StrEnum


class EvalOutcome(StrEnum):
    SKIPPED = "skipped"
    STORED = "stored"

    def __str__(self) -> str:
        return str(self.value)
