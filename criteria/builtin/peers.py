"""``peer_adoption``: how many comparable cities link to the platform from their homepage."""

from __future__ import annotations

from criteria.evidence import PlatformEvidence
from criteria.registry import Context, Result, criterion, missing

# Past this many cited presences, the evidence list keeps the most recent ones (the count and
# the share always use all of them).
MAX_CITED = 50


@criterion(
    "peer_adoption",
    reads=("peer_presence",),
    title_fr="Adoption par les villes comparables",
    title_en="Peer adoption",
)
def peer_adoption(platform: PlatformEvidence, context: Context) -> Result:
    total = context.evidence.peers_total
    if total == 0:
        return missing(
            "Aucune ville comparable enregistrée (vigie peers import).",
            "No peer city recorded (vigie peers import).",
        )
    peers = {p.peer_id: p for p in platform.presences}
    share = len(peers) / total
    names = sorted(p.peer_name for p in peers.values())
    listed = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    fr = (
        f"{len(peers)} des {total} villes comparables ({share:.0%}) y renvoient depuis leur accueil"
    )
    en = f"{len(peers)} of {total} peer cities ({share:.0%}) link to it from their homepage"
    if names:
        fr += f" ({listed})"
        en += f" ({listed})"
    recent = sorted(peers.values(), key=lambda p: p.first_seen_at, reverse=True)[:MAX_CITED]
    return Result(
        share * 100,
        fr.replace("%)", " %)") + ".",
        en + ".",
        evidence=tuple(f"peer_presence:{p.id}" for p in recent),
        observed_at=max((p.first_seen_at for p in peers.values()), default=None),
        detail={"present": len(peers), "peers": total},
    )
