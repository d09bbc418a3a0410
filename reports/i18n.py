"""The report's words in French and English, and locale-aware formatting of dates and numbers.

French uses the vocabulary of French public communication (réseau social, collectivité, cible,
ligne éditoriale, rejoindre / expérimenter / surveiller / décliner, conserver / réduire /
quitter). Templates never carry text of their own: every string comes from :data:`MESSAGES`
through ``t(key)``, and a test checks that each key used in a template exists in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

LANGUAGES = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Réseaux sociaux : faut-il y aller ? Rapport trimestriel {quarter}",
        "subtitle": "{city} · veille des réseaux sociaux émergents · édition du {date}",
        "sample_banner": (
            "Exemple de démonstration : ce rapport est construit sur l'échantillon embarqué de "
            "Vigie, pas sur des données collectées en ligne. Ne pas l'utiliser pour décider."
        ),
        "toc": "Sommaire",
        "summary": "1. Synthèse",
        "summary_intro": (
            "Un avis par réseau social, calculé à partir des preuves collectées et du profil de "
            "cibles de la collectivité. Les mouvements se comparent à l'édition précédente ({previous})."
        ),
        "summary_intro_first": (
            "Un avis par réseau social, calculé à partir des preuves collectées et du profil de "
            "cibles de la collectivité. Première édition : aucun mouvement à comparer."
        ),
        "verdict_map": "Carte des avis",
        "verdict_map_caption": (
            "Au centre, les réseaux à rejoindre ; vers l'extérieur, à expérimenter, à surveiller, "
            "à décliner. À droite, les réseaux où la collectivité est déjà présente : conserver, "
            "réduire, quitter. Dans chaque anneau, les réseaux sont classés par score, du haut vers "
            "le bas ; le numéro est le rang du tableau ci-dessus."
        ),
        "audience_map": "Couverture des cibles",
        "audience_map_caption": (
            "Part de chaque cible qui utilise le réseau en France, d'après les études citées "
            "(meilleure valeur connue ; case vide : inconnu)."
        ),
        "col_rank": "Rang",
        "col_platform": "Réseau social",
        "col_status": "Présence",
        "col_verdict": "Avis",
        "col_total": "Score /100",
        "col_confidence": "Confiance",
        "col_stability": "Stabilité",
        "col_movement": "Depuis l'édition précédente",
        "platforms": "2. Fiches par réseau social",
        "score_breakdown": "Décomposition du score",
        "score_breakdown_alt": "Contribution de chaque critère au score total de {name}",
        "col_criterion": "Critère",
        "col_score": "Note /100",
        "col_weight": "Poids",
        "col_contribution": "Contribution",
        "col_reason": "Pourquoi",
        "reasons": "Les raisons",
        "knockouts": "Critères éliminatoires",
        "no_knockout": "Aucun critère éliminatoire ne s'applique.",
        "stability_title": "Solidité de l'avis",
        "stability_text": (
            "L'avis tient dans {share} des variations aléatoires des poids (± 25 %)."
        ),
        "stability_unknown": "Solidité non calculée.",
        "flip_text": "Changement de poids le plus petit qui modifierait l'avis : {change}.",
        "flip_none": "Aucun changement de poids raisonnable ne modifie l'avis.",
        "confidence_text": "Confiance dans les preuves : {value}.",
        "missing_title": "Ce qui manque",
        "momentum": "Dynamique",
        "momentum_alt": "Évolution des consultations Wikipédia, du classement App Store et des utilisateurs de {name}",
        "no_momentum": "Pas encore de mesure de dynamique pour ce réseau.",
        "audience": "Couverture des cibles",
        "col_audience": "Cible",
        "col_age_group": "Tranche d'âge",
        "col_value": "Valeur",
        "col_source": "Source",
        "no_audience": "Aucune étude citée ne mesure l'audience de ce réseau en France : inconnu.",
        "peers": "Adoption par les collectivités pairs",
        "peers_text": "{present} collectivités pairs sur {total} y ont un compte ({share}).",
        "peers_none": "Aucune collectivité pair n'a encore été observée.",
        "evidence": "Les preuves",
        "col_date": "Date",
        "col_kind": "Type",
        "col_title": "Titre",
        "no_evidence": "Aucun signal collecté sur ce réseau jusqu'à présent.",
        "evidence_more": (
            "{count} signaux au total ; {shown} sont listés : ceux retenus dans le score, "
            "puis les plus récents."
        ),
        "cited": "retenu dans le score",
        "decisions": "3. Décisions",
        "decisions_current": "Décision en vigueur par réseau social",
        "decisions_due": "Décisions à réexaminer ce trimestre",
        "decisions_none": "Aucune décision n'a encore été consignée.",
        "decisions_due_none": "Aucune décision n'arrive à échéance ce trimestre.",
        "col_decision": "Décision",
        "col_decided_at": "Décidée le",
        "col_decided_by": "Par",
        "col_review_on": "À revoir le",
        "col_rationale": "Motif",
        "head_hash": "Empreinte de tête du registre des décisions (SHA-256) : {hash}",
        "head_hash_help": (
            "Conservez cette empreinte avec le rapport : `vigie decisions verify --head` "
            "détecte ensuite toute modification ou troncature du registre."
        ),
        "head_hash_none": "Le registre des décisions est vide.",
        "candidates": "4. Nouveaux réseaux repérés",
        "candidates_intro": (
            "Réseaux cités dans l'actualité mais absents du catalogue : à examiner avant "
            "l'édition suivante (vigie candidates promote NOM)."
        ),
        "candidates_none": "Aucun nouveau réseau repéré ce trimestre.",
        "col_name": "Nom",
        "col_mentions": "Mentions",
        "col_first_seen": "Première mention",
        "col_last_seen": "Dernière mention",
        "col_example": "Exemple",
        "method": "5. Méthode",
        "method_profile": "Profil de cibles : {profile}",
        "method_audiences": "Cibles et priorités",
        "col_priority": "Priorité",
        "method_weights": "Critères et poids",
        "method_thresholds": "Seuils des avis",
        "col_threshold": "Score minimal",
        "method_text": (
            "Chaque critère note le réseau de 0 à 100 à partir des preuves ; le score total est "
            "la moyenne pondérée des critères. Les critères éliminatoires sont vérifiés avant "
            "la moyenne. La solidité mesure la part des variations aléatoires des poids (± 25 %) "
            "sous lesquelles l'avis reste le même."
        ),
        "method_engine": "Moteur de critères {version}, évaluation au {as_of}.",
        "method_run": "Scores enregistrés sous le run n° {run_id} (à citer dans les décisions).",
        "method_sources": "Sources de données",
        "col_source_id": "Source",
        "col_last_fetch": "Dernière collecte",
        "col_http": "Statut",
        "col_error": "Erreur",
        "never": "jamais",
        "method_missing": "Ce qui manque",
        "method_missing_none": "Aucune lacune signalée par le moteur de critères.",
        "sources_none": "Aucune source enregistrée.",
        "footer": (
            "Rapport produit par Vigie {version} le {date}. Chaque chiffre renvoie à sa source ; "
            "un chiffre inconnu reste inconnu."
        ),
        "unknown": "inconnu",
        "colon": "\u00a0:",
        "derogations": "Critères éliminatoires levés par le profil",
        "method_warnings": "Erreurs et avertissements du moteur de critères",
        "reason.score": "score",
        "reason.knockout": "critère éliminatoire",
        "reason.insufficient_evidence": "preuves insuffisantes",
        "reason.join_requires_evidence": "plafonné : preuves manquantes pour rejoindre",
        "confidence.high": "élevée",
        "confidence.medium": "moyenne",
        "confidence.low": "faible",
        "decision_status.proposed": "proposée",
        "decision_status.accepted": "adoptée",
        "decision_status.rejected": "rejetée",
        "decision_status.superseded": "remplacée",
        "chart_score": "Contribution au score total (points sur 100)",
        "chart_pageviews": "Consultations Wikipédia par mois",
        "chart_app_rank": "Classement App Store (France)",
        "chart_users": "Utilisateurs annoncés",
        "chart_joined": "Réseaux où la collectivité est présente",
        "chart_not_joined": "Réseaux où elle n'est pas présente",
        "chart_heatmap_alt": "Part de chaque cible utilisant chaque réseau social",
        "chart_map_alt": "Carte des avis : {items}",
        "verdict.join": "rejoindre",
        "verdict.pilot": "expérimenter",
        "verdict.watch": "surveiller",
        "verdict.decline": "décliner",
        "verdict.keep": "conserver",
        "verdict.reduce": "réduire",
        "verdict.leave": "quitter",
        "movement.new": "nouveau",
        "movement.up": "en hausse",
        "movement.down": "en baisse",
        "movement.same": "stable",
        "movement_detail": "{movement} ({delta} pts ; avant : {verdict})",
        "status.watching": "en veille",
        "status.joined": "présente",
        "status.left": "quitté",
        "status.declined": "décliné",
        "criterion.audience_fit": "Adéquation aux cibles",
        "criterion.added_value": "Valeur ajoutée (cibles non atteintes)",
        "criterion.momentum": "Dynamique",
        "criterion.peer_adoption": "Adoption par les pairs",
        "criterion.maturity": "Maturité",
        "criterion.public_service_fit": "Adéquation au service public",
        "criterion.trust_safety": "Confiance et sécurité",
        "criterion.openness": "Ouverture et souveraineté",
        "criterion.effort": "Charge pour la ligne éditoriale",
        "audience.seniors": "seniors",
        "audience.adults": "adultes",
        "audience.youth": "jeunes",
        "audience.students": "étudiants",
        "audience.professionals": "professionnels",
        "audience.families": "familles",
        "audience.associations": "associations",
        "audience.all": "tous publics",
        "kind.launch": "lancement",
        "kind.feature": "fonctionnalité",
        "kind.milestone": "audience",
        "kind.adoption": "adoption",
        "kind.regulation": "réglementation",
        "kind.risk": "risque",
        "kind.business": "entreprise",
        "kind.shutdown": "fermeture",
        "kind.other": "autre",
    },
    "en": {
        "title": "Social networks: should we join? Quarterly report {quarter}",
        "subtitle": "{city} · watch of emerging social networks · edition of {date}",
        "sample_banner": (
            "Demonstration sample: this report is built on Vigie's embedded sample, not on data "
            "collected online. Do not use it to decide."
        ),
        "toc": "Contents",
        "summary": "1. Summary",
        "summary_intro": (
            "One verdict per social network, computed from the collected evidence and the "
            "local government's audience profile. Moves compare with the previous edition ({previous})."
        ),
        "summary_intro_first": (
            "One verdict per social network, computed from the collected evidence and the "
            "local government's audience profile. First edition: no moves to compare yet."
        ),
        "verdict_map": "Verdict map",
        "verdict_map_caption": (
            "At the centre, networks to join; outwards, to pilot, to watch, to decline. On the "
            "right, networks the local government is already on: keep, reduce, leave. Within "
            "each ring, networks are ordered by score from the top down; the number is the rank in "
            "the table above."
        ),
        "audience_map": "Audience coverage",
        "audience_map_caption": (
            "Share of each target audience using the network in France, from the cited studies "
            "(best known value; empty cell: unknown)."
        ),
        "col_rank": "Rank",
        "col_platform": "Social network",
        "col_status": "Presence",
        "col_verdict": "Verdict",
        "col_total": "Score /100",
        "col_confidence": "Confidence",
        "col_stability": "Stability",
        "col_movement": "Since the last edition",
        "platforms": "2. One page per social network",
        "score_breakdown": "Score breakdown",
        "score_breakdown_alt": "Contribution of each criterion to the total score of {name}",
        "col_criterion": "Criterion",
        "col_score": "Score /100",
        "col_weight": "Weight",
        "col_contribution": "Contribution",
        "col_reason": "Why",
        "reasons": "The reasons",
        "knockouts": "Knock-out rules",
        "no_knockout": "No knock-out rule applies.",
        "stability_title": "How solid the verdict is",
        "stability_text": "The verdict holds under {share} of random weight changes (±25%).",
        "stability_unknown": "Stability not computed.",
        "flip_text": "Smallest weight change that would change the verdict: {change}.",
        "flip_none": "No reasonable weight change alters the verdict.",
        "confidence_text": "Confidence in the evidence: {value}.",
        "missing_title": "What is missing",
        "momentum": "Momentum",
        "momentum_alt": "Trend of Wikipedia pageviews, App Store rank and user figures for {name}",
        "no_momentum": "No momentum measurement for this network yet.",
        "audience": "Audience coverage",
        "col_audience": "Audience",
        "col_age_group": "Age group",
        "col_value": "Value",
        "col_source": "Source",
        "no_audience": "No cited study measures this network's audience in France: unknown.",
        "peers": "Adoption by peer local governments",
        "peers_text": "{present} of {total} peer local governments have an account there ({share}).",
        "peers_none": "No peer local government has been observed yet.",
        "evidence": "The evidence",
        "col_date": "Date",
        "col_kind": "Kind",
        "col_title": "Title",
        "no_evidence": "No signal collected about this network so far.",
        "evidence_more": (
            "{count} signals in all; {shown} are listed: those used in the score, then the "
            "most recent."
        ),
        "cited": "used in the score",
        "decisions": "3. Decisions",
        "decisions_current": "Current decision per social network",
        "decisions_due": "Decisions due for review this quarter",
        "decisions_none": "No decision has been recorded yet.",
        "decisions_due_none": "No decision is due for review this quarter.",
        "col_decision": "Decision",
        "col_decided_at": "Decided on",
        "col_decided_by": "By",
        "col_review_on": "Review on",
        "col_rationale": "Rationale",
        "head_hash": "Head hash of the decision log (SHA-256): {hash}",
        "head_hash_help": (
            "Keep this hash with the report: `vigie decisions verify --head` then detects any "
            "alteration or truncation of the log."
        ),
        "head_hash_none": "The decision log is empty.",
        "candidates": "4. New networks spotted",
        "candidates_intro": (
            "Networks mentioned in the news but not in the catalogue yet: to examine before the "
            "next edition (vigie candidates promote NAME)."
        ),
        "candidates_none": "No new network spotted this quarter.",
        "col_name": "Name",
        "col_mentions": "Mentions",
        "col_first_seen": "First seen",
        "col_last_seen": "Last seen",
        "col_example": "Example",
        "method": "5. Method",
        "method_profile": "Audience profile: {profile}",
        "method_audiences": "Target audiences and priorities",
        "col_priority": "Priority",
        "method_weights": "Criteria and weights",
        "method_thresholds": "Verdict thresholds",
        "col_threshold": "Minimum score",
        "method_text": (
            "Each criterion scores the network from 0 to 100 from the evidence; the total is the "
            "weighted mean of the criteria. Knock-out rules are checked before the mean. "
            "Stability is the share of random weight changes (±25%) under which the verdict "
            "stays the same."
        ),
        "method_engine": "Criteria engine {version}, evaluated as of {as_of}.",
        "method_run": "Scores saved as run #{run_id} (to cite in decisions).",
        "method_sources": "Data sources",
        "col_source_id": "Source",
        "col_last_fetch": "Last fetched",
        "col_http": "Status",
        "col_error": "Error",
        "never": "never",
        "method_missing": "What is missing",
        "method_missing_none": "The criteria engine reported no gap.",
        "sources_none": "No source registered.",
        "footer": (
            "Report produced by Vigie {version} on {date}. Every figure links to its source; "
            "an unknown figure stays unknown."
        ),
        "unknown": "unknown",
        "colon": ":",
        "derogations": "Knock-out rules waived by the profile",
        "method_warnings": "Errors and warnings from the criteria engine",
        "reason.score": "score",
        "reason.knockout": "knock-out rule",
        "reason.insufficient_evidence": "insufficient evidence",
        "reason.join_requires_evidence": "capped: evidence to join is missing",
        "confidence.high": "high",
        "confidence.medium": "medium",
        "confidence.low": "low",
        "decision_status.proposed": "proposed",
        "decision_status.accepted": "accepted",
        "decision_status.rejected": "rejected",
        "decision_status.superseded": "superseded",
        "chart_score": "Contribution to the total score (points out of 100)",
        "chart_pageviews": "Wikipedia pageviews per month",
        "chart_app_rank": "App Store rank (France)",
        "chart_users": "Announced users",
        "chart_joined": "Networks the local government is on",
        "chart_not_joined": "Networks it is not on",
        "chart_heatmap_alt": "Share of each target audience using each social network",
        "chart_map_alt": "Verdict map: {items}",
        "verdict.join": "join",
        "verdict.pilot": "pilot",
        "verdict.watch": "watch",
        "verdict.decline": "decline",
        "verdict.keep": "keep",
        "verdict.reduce": "reduce",
        "verdict.leave": "leave",
        "movement.new": "new",
        "movement.up": "up",
        "movement.down": "down",
        "movement.same": "same",
        "movement_detail": "{movement} ({delta} pts; before: {verdict})",
        "status.watching": "watching",
        "status.joined": "joined",
        "status.left": "left",
        "status.declined": "declined",
        "criterion.audience_fit": "Audience fit",
        "criterion.added_value": "Added value (audiences not reached yet)",
        "criterion.momentum": "Momentum",
        "criterion.peer_adoption": "Peer adoption",
        "criterion.maturity": "Maturity",
        "criterion.public_service_fit": "Public service fit",
        "criterion.trust_safety": "Trust and safety",
        "criterion.openness": "Openness and sovereignty",
        "criterion.effort": "Editorial workload",
        "audience.seniors": "seniors",
        "audience.adults": "adults",
        "audience.youth": "young people",
        "audience.students": "students",
        "audience.professionals": "professionals",
        "audience.families": "families",
        "audience.associations": "associations",
        "audience.all": "general public",
        "kind.launch": "launch",
        "kind.feature": "feature",
        "kind.milestone": "milestone",
        "kind.adoption": "adoption",
        "kind.regulation": "regulation",
        "kind.risk": "risk",
        "kind.business": "business",
        "kind.shutdown": "shutdown",
        "kind.other": "other",
    },
}

_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` for one language; an unknown key falls back to a readable form.

    Dotted keys (``criterion.x``) may name things a user added (a custom criterion or
    audience), so a missing one shows its last part instead of failing the whole report.
    """
    catalogue = MESSAGES[lang]

    def t(key: str, **values: object) -> str:
        text = catalogue.get(key)
        if text is None:
            if "." in key:
                return key.split(".", 1)[1].replace("_", " ")
            raise KeyError(f"message {key!r} missing in {lang}")
        return text.format(**values) if values else text

    return t


def format_date(value: date | datetime | None, lang: str) -> str:
    """``26 novembre 2026`` / ``26 November 2026``; an unknown date says so."""
    if value is None:
        return MESSAGES[lang]["unknown"]
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_short_date(value: date | datetime | None, lang: str) -> str:
    """``2026-11-26`` in both languages (tables, evidence lists)."""
    if value is None:
        return MESSAGES[lang]["unknown"]
    day = value.date() if isinstance(value, datetime) else value
    return day.isoformat()


def format_number(value: float | None, lang: str, digits: int = 1) -> str:
    """A decimal comma and a narrow no-break space for thousands in French."""
    if value is None:
        return MESSAGES[lang]["unknown"]
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_percent(share: float | None, lang: str) -> str:
    """A share 0-1 as ``72 %`` (French spacing) or ``72%``."""
    if share is None:
        return MESSAGES[lang]["unknown"]
    number = format_number(share * 100, lang, 0)
    return f"{number}\u202f%" if lang == "fr" else f"{number}%"


def format_signed(value: float | None, lang: str) -> str:
    """A difference with its sign: ``+3,5`` / ``−2.0``."""
    if value is None:
        return MESSAGES[lang]["unknown"]
    sign = "+" if value >= 0 else "−"
    return sign + format_number(abs(value), lang, 1)
