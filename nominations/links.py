"""The ways back to a nomination: its secret link (only the token's hash is stored), and the key
to "my nominations", a signed, short-lived link to every nomination started with one email
address, for a nominator who lost their links (sent only to that address)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from plaudit import addresses

from .models import Nomination, NominationLink, new_token


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("nominations:resume", args=[token])


def link_create(*, nomination: Nomination) -> str:
    """A new secret link to the nomination; returns its token (shown nowhere else)."""
    token, token_hash = new_token()
    NominationLink.objects.create(nomination=nomination, token_hash=token_hash)
    return token


MINE_SALT = "plaudit.nominations.mine"
MINE_HOURS = 24


def mine_token(email: str) -> str:
    """A signed key to the list of nominations started with this address, emailed to it. Signed,
    not stored: there is nothing to revoke, so it works for MINE_HOURS only."""
    return signing.dumps(addresses.normalised_or_none(email) or "", salt=MINE_SALT)


def mine_url(email: str) -> str:
    """The link to every nomination started with an address (signed for it; nothing is written)."""
    return settings.SITE_URL + reverse("nominations:mine_open", args=[mine_token(email)])


def mine_resolve(token: str) -> str | None:
    """The address a key was sent to, or None (unknown, tampered with, or too old)."""
    try:
        return signing.loads(token, salt=MINE_SALT, max_age=MINE_HOURS * 3600)
    except signing.BadSignature:
        return None
