"""Defaults and wire names shared by the clients; every retry number lives here."""

__all__ = [
    "API_PREFIX",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_DELAY",
    "DEFAULT_TENANT_ID",
    "DEFAULT_TIMEOUT",
    "FORGET_MIN_RELEVANCE",
    "FORGET_QUERY_LIMIT",
    "IDEMPOTENCY_HEADER",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "REQUEST_ID_HEADER",
    "RETRYABLE_STATUS",
    "RETRY_JITTER",
]

DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_TIMEOUT = 30.0
DEFAULT_TENANT_ID = "default"
# Every route of the CML server lives under this prefix; base URLs are stored without it.
API_PREFIX = "/api/v1"

DEFAULT_MAX_RETRIES = 3
# Seconds; the base of the exponential backoff (attempt n waits about base * 2**n).
DEFAULT_RETRY_DELAY = 1.0
MAX_RETRY_DELAY = 30.0
# A Retry-After longer than this is cut down to it, so a confused server cannot park a caller.
MAX_RETRY_AFTER = 60.0
# Backoff delays are shortened at random by up to this fraction, so clients that failed together
# do not retry together.
RETRY_JITTER = 0.25
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})

IDEMPOTENCY_HEADER = "Idempotency-Key"
REQUEST_ID_HEADER = "X-Request-ID"

# How many requests `batch_write` / `batch_read` keep in flight at once.
DEFAULT_CONCURRENCY = 8

# What `forget(query=...)` selects: the memories among the first FORGET_QUERY_LIMIT a read of
# the query returns whose relevance is at least FORGET_MIN_RELEVANCE. The engine applies it, and
# `preview_forget` reads with the same rule, so a dry run shows what the real run would do.
FORGET_QUERY_LIMIT = 50
FORGET_MIN_RELEVANCE = 0.5
