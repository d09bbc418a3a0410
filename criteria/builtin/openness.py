"""``openness``: open protocol and European jurisdiction, from the catalogue.

The protocol scores are a profile assumption (shown in the explanation), the jurisdiction is the
headquarters country as stated in the platform's reference article.
"""

from __future__ import annotations

from criteria.evidence import PlatformEvidence
from criteria.registry import Context, Result, criterion, missing

# EU member states and the other EEA countries (GDPR applies without a transfer mechanism).
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


@criterion(
    "openness",
    reads=("catalogue", "profile"),
    title_fr="Ouverture et souveraineté",
    title_en="Openness and sovereignty",
    defaults={"protocol_scores": {"activitypub": 100.0, "atproto": 75.0, "proprietary": 0.0}},
)
def openness(platform: PlatformEvidence, context: Context) -> Result:
    info = platform.info
    scores = context.options["protocol_scores"]
    parts: dict[str, float] = {}
    fr, en = [], []
    if info.protocol in scores:
        parts["protocol"] = float(scores[info.protocol])
        fr.append(f"protocole {info.protocol} ({parts['protocol']:.0f}/100 selon le profil)")
        en.append(f"{info.protocol} protocol ({parts['protocol']:.0f}/100 per the profile)")
    if info.hq_country:
        inside = info.hq_country.upper() in EEA
        parts["jurisdiction"] = 100.0 if inside else 0.0
        fr.append(f"siège {info.hq_country} ({'dans' if inside else 'hors de'} l'EEE)")
        en.append(f"headquarters {info.hq_country} ({'inside' if inside else 'outside'} the EEA)")
    if not parts:
        return missing("Protocole et siège inconnus.", "Protocol and headquarters unknown.")
    return Result(
        sum(parts.values()) / len(parts),
        "Ouverture : " + "; ".join(fr) + ".",
        "Openness: " + "; ".join(en) + ".",
        evidence=(f"platform:{info.slug}", f"profile:openness.protocol.{info.protocol}"),
        detail={"parts": parts},
    )
