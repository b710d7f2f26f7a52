from enum import StrEnum


class XRequestedWith(StrEnum):
    XMLHTTPREQUEST = "XMLHttpRequest"

    def __str__(self) -> str:
        return str(self.value)
