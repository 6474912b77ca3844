"""Finding nominations that are probably for the same nominee in one award.

Three signs, strongest first: the same nominee email; the same name at the same
organisation once both are normalised; and names that are very close (a typo, a
missing title) at the same organisation. Admins confirm by merging into a dossier.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from plaudit import addresses

from .models import Nomination

TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame"}
ORGANISATION_NOISE = {"the", "nhs", "trust", "foundation", "ft", "hospital", "hospitals", "university"}
CLOSE_ENOUGH = 0.85


@dataclass(frozen=True)
class Candidate:
    first: Nomination
    second: Nomination
    reason: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def normalise_name(name: str) -> str:
    return " ".join(word for word in _words(name) if word not in TITLES)


def normalise_organisation(organisation: str) -> str:
    return " ".join(word for word in _words(organisation) if word not in ORGANISATION_NOISE)


def likely_duplicates(nominations) -> list[Candidate]:
    """Pairs of nominations that are probably for the same nominee, each with the reason."""
    live = [n for n in nominations if n.status == Nomination.Status.SUBMITTED and not n.nominee_data_removed_at]
    found: dict[tuple[int, int], Candidate] = {}
    for first, second in combinations(sorted(live, key=lambda n: n.reference), 2):
        if first.award_id != second.award_id:
            continue
        if first.dossier_id and first.dossier_id == second.dossier_id:
            continue
        reason = _reason(first, second)
        if reason:
            found[(first.pk, second.pk)] = Candidate(first, second, reason)
    return list(found.values())


def _reason(first: Nomination, second: Nomination) -> str | None:
    email_a, email_b = (addresses.normalised_or_none(n.nominee_email) for n in (first, second))
    if email_a and email_a == email_b:
        return "same nominee email"
    same_org = normalise_organisation(first.nominee_organisation) == normalise_organisation(second.nominee_organisation)
    name_a, name_b = normalise_name(first.nominee_name), normalise_name(second.nominee_name)
    if not (same_org and name_a and name_b):
        return None
    if name_a == name_b:
        return "same name and organisation"
    if SequenceMatcher(None, name_a, name_b).ratio() >= CLOSE_ENOUGH:
        return "similar names at the same organisation"
    return None
