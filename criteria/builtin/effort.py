"""``effort``: production and moderation load for a communication team (higher is lighter).

No cited study measures this per platform, so the load of each kind of platform is a profile
assumption (``[criteria.effort] category_scores``), printed with the score so that a city can
change it. A platform whose category the profile does not rate is missing, not guessed.
"""

from __future__ import annotations

from criteria.evidence import PlatformEvidence
from criteria.registry import Context, Result, criterion, missing


@criterion(
    "effort",
    reads=("catalogue", "profile"),
    title_fr="Charge de production et de modération",
    title_en="Production and moderation effort",
    defaults={
        "category_scores": {
            "social": 60.0,
            "microblog": 60.0,
            "professional": 70.0,
            "image": 45.0,
            "video": 25.0,
            "streaming": 15.0,
            "messaging": 70.0,
            "forum": 35.0,
        }
    },
)
def effort(platform: PlatformEvidence, context: Context) -> Result:
    category = platform.info.category
    scores = context.options["category_scores"]
    if not category or category not in scores:
        return missing(
            f"Catégorie « {category or 'inconnue'} » non évaluée par le profil.",
            f"Category '{category or 'unknown'}' is not rated by the profile.",
        )
    score = float(scores[category])
    return Result(
        score,
        f"Réseau de type « {category} » : charge estimée à {score:.0f}/100 (100 = légère) par "
        "le profil, faute d'étude citée.",
        f"A '{category}' network: load rated {score:.0f}/100 (100 = light) by the profile, "
        "for want of a cited study.",
        evidence=(f"platform:{platform.info.slug}", f"profile:effort.category.{category}"),
        detail={"category": category},
    )
