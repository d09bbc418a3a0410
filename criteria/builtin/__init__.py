"""The default criteria of DESIGN.md; importing this package registers them."""

from criteria.builtin import (  # noqa: F401 - imported for registration
    audience,
    effort,
    maturity,
    momentum,
    openness,
    peers,
    public_service,
    trust,
)

DEFAULT_CRITERIA = (
    "audience_fit",
    "added_value",
    "momentum",
    "peer_adoption",
    "maturity",
    "public_service_fit",
    "trust_safety",
    "openness",
    "effort",
)
