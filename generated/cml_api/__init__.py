"""Low-level client for the Cognitive Memory Layer API, generated from openapi/. Do not edit by hand.

`__api_version__` is the server API version of the document it was generated from (`info.version`),
and `__spec_sha256__` the SHA-256 of that document's bytes, so a deployment can tell exactly which
contract it speaks.
"""

from .client import AuthenticatedClient, Client

__api_version__ = "1.5.1"
__spec_sha256__ = "a42a2c4b9a4e27570dbebe70af10ab970657c5e5b85098f5007c189d499ef0e2"

__all__ = (
    "AuthenticatedClient",
    "Client",
    "__api_version__",
    "__spec_sha256__",
)
