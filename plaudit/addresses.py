"""The one identity rule for an email address: how it is written down, compared and refused.

An address finds things (a nominator's nominations, a judge's account, a referee's request, a
subject access request), so two addresses that are not the same mailbox must never compare
equal. Comparing case-insensitively in the database was not enough: PostgreSQL folds some
non-ASCII letters onto ASCII ones ("ſ" onto "S", the Kelvin sign onto "K"), and Django's own
validator admits them, so "ſam@nhs.net" found sam@nhs.net's nominations.

The rule (`normalise`): the address stripped, checked by email-validator; letters before the @
only in ASCII (anything else is refused, never folded); the domain in IDNA's ASCII form, each
label in one alphabet (a Latin label with a Cyrillic "а" in it is refused: it only looks like the
real one); then all in lower case. That form is what is stored and what is compared, everywhere.
"""

import regex
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254
FORMAT = "Enter an email address in the correct format, like name@example.org"

# Alphabets a domain label may be written in, one per label; Japanese and Korean labels mix
# their own scripts with Han as the languages are written.
_SCRIPTS = (
    "Latin Cyrillic Greek Armenian Georgian Hebrew Arabic Syriac Thaana Devanagari Bengali Gurmukhi "
    "Gujarati Oriya Tamil Telugu Kannada Malayalam Sinhala Thai Lao Tibetan Myanmar Ethiopic Khmer "
    "Mongolian Han Hiragana Katakana Hangul"
).split()
_WRITTEN_TOGETHER = [{"Han", "Hiragana", "Katakana"}, {"Han", "Hangul"}]
_LETTER = regex.compile(r"\p{L}")
_SCRIPT_OF = {name: regex.compile(rf"\p{{Script={name}}}") for name in _SCRIPTS}


class AddressRefused(ValueError):
    """Not an address Plaudit takes; the message says why, for the person who typed it."""


def _scripts(label: str) -> set[str]:
    found = set()
    for letter in _LETTER.findall(label):
        found.add(next((name for name, script in _SCRIPT_OF.items() if script.match(letter)), "other"))
    return found


def normalise(text) -> str:
    """The address in its one form (see the module's rule), or AddressRefused."""
    text = str(text or "").strip()
    if not text:
        raise AddressRefused("Enter an email address")
    if len(text) > MAX_LENGTH:
        raise AddressRefused(f"An email address must be {MAX_LENGTH} characters or fewer")
    try:
        valid = validate_email(
            text, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False, allow_domain_literal=False
        )
    except EmailNotValidError as error:
        if "before the @-sign" in str(error) and not text.split("@")[0].isascii():
            raise AddressRefused(
                "The part before the @ can only have the letters a to z, digits and signs such as . _ - + (check for look-alike letters)"
            ) from error
        raise AddressRefused(FORMAT) from error
    for label in valid.domain.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1 and not any(scripts <= together for together in _WRITTEN_TOGETHER):
            raise AddressRefused(
                f"The part after the @ mixes alphabets in “{label}”: check it is typed as the address is written"
            )
    return valid.ascii_email.lower()


def normalised_or_none(text) -> str | None:
    """The address's one form, or None for text that is no address (it finds nothing)."""
    try:
        return normalise(text)
    except AddressRefused:
        return None


def same(first, second) -> bool:
    """Whether two addresses are the same mailbox by the rule (neither being no address)."""
    one = normalised_or_none(first)
    return one is not None and one == normalised_or_none(second)


def accounts(address):
    """The accounts (Django's users) with this address: their addresses are stored in the one
    form too (keep_accounts_in_one_form, migration plaudit 0004), so they are compared exactly."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    found = normalised_or_none(address)
    return users.filter(email=found) if found else users.none()


def keep_accounts_in_one_form(sender, instance, **kwargs):
    """pre_save of the user model (connected in plaudit's apps): an account's address is saved in
    the one form whoever saves it (an invitation, the admin, createsuperuser)."""
    if instance.email:
        instance.email = normalised_or_none(instance.email) or instance.email.strip().lower()


def rewrite_stored(model, *fields) -> None:
    """For data migrations: put a model's stored addresses in the one form (one the rule refuses
    is kept stripped and in lower case, so that it matches nothing a valid address is)."""
    for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
        changed = {}
        for field in fields:
            value = getattr(row, field) or ""
            new = (normalised_or_none(value) or value.strip().lower()) if value else value
            if new != value:
                changed[field] = new
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)


def domain(text) -> str:
    """The address's domain in its one form ("" for no address): for rules about organisations."""
    address = normalised_or_none(text)
    return address.rsplit("@", 1)[1] if address else ""


def posted_key(group, request) -> str:
    """A rate limit's key for the posted address, in its one form: changing the case of an
    address, or its domain's spelling, is the same address and the same limit."""
    typed = str(request.POST.get("email", ""))[: MAX_LENGTH + 1]
    return normalised_or_none(typed) or typed.strip().lower()


class _InOneForm:
    """A column of addresses that holds them in the one form whatever writes it (a form, a save,
    an update, a bulk create), and compares a looked-up address in it too. A value the rule
    refuses is kept stripped and in lower case: it then matches nothing a valid address is."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return normalised_or_none(value) or value.strip().lower()


class AddressColumn(_InOneForm, models.EmailField):
    pass


class AddressTextColumn(_InOneForm, models.TextField):
    """For an address that may be blank or was taken as free text before the rule."""


class AddressField(forms.EmailField):
    """A form's email address: refused beside the field unless it passes the rule, and cleaned to
    its one form, which is what the form's owner stores and looks up."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalise(value)
        except AddressRefused as refused:
            raise ValidationError(str(refused), code="invalid") from refused
