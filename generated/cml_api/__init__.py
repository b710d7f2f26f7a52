"""Generated clients for the CML server releases in openapi/, one subpackage each. Do not edit by hand.

Every release's subpackage has the same module, function and class names for the same operation
(the overlay in openapi/ pins them), so code addresses an operation once and picks the release.
"""

#: Each supported server release and the subpackage generated for it, oldest first.
RELEASES = {
    "1.5.1": "cml_api.v1_5_1",
    "2.0.0": "cml_api.v2_0_0",
}
#: The newest supported release.
LATEST = "2.0.0"

__all__ = ("LATEST", "RELEASES")
