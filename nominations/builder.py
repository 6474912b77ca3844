"""The form builder: one registry from question type to what the type needs.

Each type's entry (`TYPES`) carries its form field, how an answer is shown (pages, emails,
exports, packs), how it is stored, how a saved draft becomes form data again, whether it is a
file, and which options the award format accepts for it (awards.rules, which the importer reads
too). Every form that asks an award's questions (the nomination form, the admin's preview) is
built here, so a question behaves the same everywhere. Conditional questions (`show_if`) are
decided on the server from the submitted answers: a hidden question is neither required nor
stored, so the form works with JavaScript off.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

from awards import rules
from awards.models import Award, Question
from plaudit import addresses
from plaudit.layout import Fieldset, Rendered
from plaudit.templatetags.markdown import render_markdown
from plaudit.text import NOT_ONE_LINE

from .uploads import check_upload
from .words import count_characters, count_words

FIELD_PREFIX = "q-"
FieldBuilder = Callable[[Question], forms.Field]


def _shown_as_text(question: Question, value) -> str:
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _shown_yes_no(question: Question, value) -> str:
    return {"yes": "Yes", "no": "No"}.get(value, _shown_as_text(question, value))


def _shown_date(question: Question, value) -> str:
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value).strftime("%-d %B %Y")
    return _shown_as_text(question, value)


def _stored_as_is(value):
    return value


def _stored_date(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _stored_number(value):
    # Exact text, never a float: 3.10 stays 3.1, not 3.0999999.
    return f"{value.normalize():f}" if isinstance(value, Decimal) else value


def _form_data(name: str, raw) -> list[tuple[str, object]]:
    """A saved draft as form data: (field name, value, or a list for a multiple choice)."""
    return [(name, [str(item) for item in raw] if isinstance(raw, list) else str(raw))]


def _form_data_date(name: str, raw) -> list[tuple[str, object]]:
    if isinstance(raw, list):  # the three boxes as typed
        return [(f"{name}_{index}", part or "") for index, part in enumerate(raw)]
    return _form_data(name, raw)


@dataclass(frozen=True)
class QuestionType:
    """Everything one question type needs, in one place: add a type here (and its options in
    awards.rules) and every page, file and import knows it."""

    name: str
    field: FieldBuilder
    is_file: bool = False
    shown: Callable[[Question, object], str] = _shown_as_text
    stored: Callable[[object], object] = _stored_as_is
    form_data: Callable[[str, object], list] = _form_data

    @property
    def options(self) -> tuple[str, ...]:
        """The options the award format accepts for this type (beyond those every question takes)."""
        return tuple(option for option, types in rules.TYPE_OPTIONS.items() if self.name in types)


TYPES: dict[str, QuestionType] = {}


def builds(*types: str, **traits):
    """Register a field builder for one or more types, with whatever else those types need."""

    def register(function: FieldBuilder) -> FieldBuilder:
        for question_type in types:
            TYPES[question_type] = QuestionType(question_type, function, **traits)
        return function

    return register


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.key}"


def _words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


def _answer(prompt: str) -> str:
    """How a limit's error names its question, so that an error summary of several says which."""
    return f"Your answer to “{_short(prompt)}”" if prompt else "Your answer"


class WordLimitValidator:
    """Refuses (never truncates) answers outside the word limits, saying how many were written."""

    def __init__(self, min_words: int | None, max_words: int | None, prompt: str = ""):
        self.min_words, self.max_words, self.prompt = min_words, max_words, prompt

    def __call__(self, value: str):
        written = count_words(value)
        if self.max_words and written > self.max_words:
            raise ValidationError(
                f"{_answer(self.prompt)} must be {_words(self.max_words)} or fewer. You wrote {_words(written)}.",
                code="max_words",
            )
        if self.min_words and written < self.min_words:
            raise ValidationError(
                f"{_answer(self.prompt)} must be at least {_words(self.min_words)}. You wrote {_words(written)}.",
                code="min_words",
            )


class CharacterLimitValidator:
    """Counts characters as people see them (grapheme clusters), as NHS.UK's character count does."""

    def __init__(self, limit: int, prompt: str = ""):
        self.limit, self.prompt = limit, prompt

    def __call__(self, value: str):
        written = count_characters(value)
        if written > self.limit:
            raise ValidationError(
                f"{_answer(self.prompt)} must be {self.limit} characters or fewer. You wrote {written} characters.",
                code="max_length",
            )


@builds("short_text")
def short_text_field(question: Question) -> forms.Field:
    # No maxlength attribute: the browser would silently cut pasted text.
    field = forms.CharField(widget=forms.TextInput(attrs={"spellcheck": "true"}))
    if question.max_length:
        field.validators.append(CharacterLimitValidator(question.max_length, question.prompt))
        field.widget.attrs["data-maxlength"] = str(question.max_length)
    return field


@builds("long_text")
def long_text_field(question: Question) -> forms.Field:
    field = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}), strip=True)
    if question.min_words or question.max_words:
        field.validators.append(WordLimitValidator(question.min_words, question.max_words, question.prompt))
    if question.max_words:
        field.widget.attrs["data-maxwords"] = str(question.max_words)
    return field


@builds("email")
def email_field(question: Question) -> forms.Field:
    return addresses.AddressField(
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )


@builds("url")
def url_field(question: Question) -> forms.Field:
    return forms.URLField(
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        error_messages={"invalid": "Enter a web address in the correct format, like www.example.org"},
    )


PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]{7,25}$")


def validate_phone(value: str):
    digits = re.sub(r"\D", "", value)
    if not PHONE_PATTERN.match(value) or not 7 <= len(digits) <= 15:
        raise ValidationError("Enter a phone number, like 01632 960 001 or +44 808 157 0192", code="phone")


@builds("phone")
def phone_field(question: Question) -> forms.Field:
    return forms.CharField(
        validators=[validate_phone], widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )


@builds("number", stored=_stored_number)
def number_field(question: Question) -> forms.Field:
    field = forms.DecimalField(
        max_digits=20,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
        error_messages={"invalid": "Enter a number, like 12 or 3.5"},
    )
    low, high = question.min_value, question.max_value
    if low is not None or high is not None:
        field.validators.append(NumberRangeValidator(low, high))
    return field


class NumberRangeValidator:
    def __init__(self, low: Decimal | None, high: Decimal | None):
        self.low, self.high = low, high

    def __call__(self, value: Decimal):
        def show(number):
            return f"{number.normalize():f}"

        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            if self.low is not None and self.high is not None:
                message = f"Enter a number from {show(self.low)} to {show(self.high)}"
            elif self.low is not None:
                message = f"Enter a number of {show(self.low)} or more"
            else:
                message = f"Enter a number of {show(self.high)} or less"
            raise ValidationError(message, code="range")


class DateWidget(forms.MultiWidget):
    """NHS.UK date input: day, month and year as three boxes."""

    template_name = "nhsuk/widgets/date_input.html"
    labels = ("Day", "Month", "Year")

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for label, subwidget in zip(self.labels, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = label
        return context


class DateField(forms.MultiValueField):
    widget = DateWidget

    def __init__(self, **kwargs):
        number = forms.CharField(required=False)
        super().__init__(fields=(number, number, number), require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day and month and year):
            missing = [
                name for name, part in zip(("day", "month", "year"), (day, month, year), strict=True) if not part
            ]
            raise ValidationError(f"Date must include a {' and '.join(missing)}", code="incomplete")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError("Date must be a real date, like 27 3 2025", code="invalid") from exc


@builds("date", shown=_shown_date, stored=_stored_date, form_data=_form_data_date)
def date_field(question: Question) -> forms.Field:
    return DateField()


@builds("choice")
def choice_field(question: Question) -> forms.Field:
    choices = [(c, c) for c in question.choices]
    # Radios suit short lists; a long list reads better as a drop-down.
    if len(choices) > 10:
        return forms.ChoiceField(choices=[("", "Choose one")] + choices, widget=forms.Select)
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect)


class ChoiceCountValidator:
    def __init__(self, low: int | None, high: int | None):
        self.low, self.high = low, high

    def __call__(self, value: list):
        if self.high and len(value) > self.high:
            raise ValidationError(f"Choose {self.high} or fewer. You chose {len(value)}.", code="max_choices")
        if self.low and len(value) < self.low:
            raise ValidationError(f"Choose at least {self.low}. You chose {len(value)}.", code="min_choices")


@builds("multi_choice")
def multi_choice_field(question: Question) -> forms.Field:
    field = forms.MultipleChoiceField(choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple)
    if question.min_choices or question.max_choices:
        field.validators.append(ChoiceCountValidator(question.min_choices, question.max_choices))
    return field


@builds("yes_no", shown=_shown_yes_no)
def yes_no_field(question: Question) -> forms.Field:
    return forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect)


REFEREE_PARTS = ("name", "role", "email", "note")


def referee_of(value) -> dict[str, str]:
    """An endorsement answer as {name, role, email, note}: a submitted one is stored so, a draft
    as the four boxes typed (a list)."""
    if isinstance(value, dict):
        return {part: str(value.get(part) or "") for part in REFEREE_PARTS}
    if isinstance(value, list):
        padded = [*value, "", "", "", ""][:4]
        return {part: str(item or "") for part, item in zip(REFEREE_PARTS, padded, strict=True)}
    return dict.fromkeys(REFEREE_PARTS, "")


def _shown_referee(question: Question, value) -> str:
    referee = referee_of(value)
    if not any(referee.values()):
        return ""
    who = ", ".join(part for part in (referee["name"], referee["role"]) if part)
    return f"{who} ({referee['email']})" if referee["email"] else who


def _form_data_referee(name: str, raw) -> list[tuple[str, object]]:
    referee = referee_of(raw)
    return [(f"{name}_{index}", referee[part]) for index, part in enumerate(REFEREE_PARTS)]


class RefereeWidget(forms.MultiWidget):
    """Who is asked for a supporting statement: name, role, email, and a note for them."""

    template_name = "nhsuk/widgets/referee_input.html"
    labels = (
        "Their full name",
        "Their role, and how they know the nominee",
        "Their email address",
        "What would you like them to know? (optional)",
    )

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.EmailInput, forms.Textarea], attrs)

    def decompress(self, value):
        referee = referee_of(value)
        return [referee[part] for part in REFEREE_PARTS]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for label, subwidget in zip(self.labels, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = label
        return context


class RefereeField(forms.MultiValueField):
    """The referee named for an endorsement question: checked here as a whole, so that the error
    says which part is missing."""

    widget = RefereeWidget
    LIMITS = {"name": 200, "role": 300, "email": 254, "note": 2000}

    def __init__(self, **kwargs):
        text = forms.CharField(required=False, strip=True)
        super().__init__(fields=(text, text, text, text), require_all_fields=False, **kwargs)

    def compress(self, data_list):
        referee = referee_of(list(data_list or []))
        if not any(referee.values()):
            return None
        problems = []
        for part, message in (
            ("name", "Enter the referee's full name"),
            ("role", "Enter the referee's role"),
            ("email", "Enter the referee's email address"),
        ):
            if not referee[part].strip():
                problems.append(ValidationError(message, code="incomplete"))
        if referee["email"].strip():
            try:
                referee["email"] = addresses.normalise(referee["email"])
            except addresses.AddressRefused as refused:
                why = "" if str(refused) == addresses.FORMAT else f" ({refused})"
                problems.append(
                    ValidationError(
                        f"Enter the referee's email address in the correct format, like name@example.org{why}",
                        code="invalid",
                    )
                )
        for part, limit in self.LIMITS.items():
            if len(referee[part]) > limit:
                problems.append(ValidationError(f"The referee's {part} must be {limit} characters or fewer"))
        if NOT_ONE_LINE.search(referee["name"] + referee["role"] + referee["email"]):
            problems.append(ValidationError("The referee's name, role and email must each be on one line"))
        if problems:
            raise ValidationError(problems)
        return {part: referee[part].strip() for part in REFEREE_PARTS}


@builds("endorsement", shown=_shown_referee, form_data=_form_data_referee)
def endorsement_field(question: Question) -> forms.Field:
    return RefereeField()


class FileRulesValidator:
    """Type by content, size, and the scanning hook: nominations.uploads does the checking."""

    def __init__(self, question: Question):
        self.question = question

    def __call__(self, upload):
        message = check_upload(upload, self.question)
        if message:
            raise ValidationError(message, code="file")


@builds("file", is_file=True)
def file_field(question: Question) -> forms.Field:
    # A plain file input: the saved file is named in the hint, never linked by a public URL.
    field = forms.FileField(widget=forms.FileInput, error_messages={"empty": "The selected file is empty"})
    field.validators.append(FileRulesValidator(question))
    if question.file_types:
        field.widget.attrs["accept"] = ",".join(f".{t}" for t in question.file_types)
    return field


def _short(prompt: str, limit: int = 90) -> str:
    prompt = " ".join(prompt.split())
    return prompt if len(prompt) <= limit else prompt[: limit - 1].rsplit(" ", 1)[0] + "…"


def required_message(question: Question) -> str:
    """Says which question is missing, so an error summary of many reads as a list of tasks."""
    verb = {
        "choice": "Select an answer to",
        "yes_no": "Select yes or no for",
        "multi_choice": "Select at least one answer to",
        "file": "Select a file for",
        "date": "Enter a date for",
        "endorsement": "Name someone for",
    }.get(question.type, "Enter your answer to")
    return f"{verb}: {_short(question.prompt)}"


def build_field(question: Question) -> forms.Field:
    """The form field for one question, with its label, hint and required flag."""
    field = TYPES[question.type].field(question)
    field.label = question.prompt
    field.required = question.required
    field.error_messages["required"] = required_message(question)
    if isinstance(field, forms.MultiValueField):
        field.error_messages["incomplete"] = required_message(question)
    field.help_text = render_markdown(question.guidance) if question.guidance else ""
    if not field.required and isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.Select):
        field.choices = [("", "No answer")] + [c for c in field.choices if c[0] != ""]
    return field


def questions_by_section(award: Award) -> list[tuple[object, list[Question]]]:
    """(section, its active questions) in form order: what a nominator is asked, and all a
    service may store answers to. Reads the award's prefetched sections when it has them."""
    return [(section, [q for q in section.questions.all() if q.active]) for section in award.sections.all()]


class AwardForm(forms.Form):
    """The questions of one award, in sections, with server-side conditions."""

    def __init__(self, *args, award: Award, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = award
        self.sections = questions_by_section(award)
        self.questions = [q for _, questions in self.sections for q in questions]
        self.questions_by_key = {q.key: q for q in self.questions}
        for question in self.questions:
            self.fields[field_name(question)] = build_field(question)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*[self._section_layout(s, qs) for s, qs in self.sections])
        if self.is_bound:
            # Hidden questions are never required; their answers are dropped in clean().
            for question in self.questions:
                if not self.is_shown(question):
                    self.fields[field_name(question)].required = False

    def asked_here(self, section) -> list[Question]:
        """A section's questions as asked on a page of their own: one whose condition looks back
        at another section is decided from the answer saved there (shown plainly, or not at all)."""
        questions = dict(self.sections).get(section, [])
        here = {q.key for q in questions}
        return [q for q in questions if q.show_if_key in here or self.is_shown(q)]

    def show_only(self, section) -> None:
        """Lay out one section alone, under the page's own heading (a step of a form in steps)."""
        questions = self.asked_here(section)
        self.helper.layout = Layout(self._section_layout(section, questions, legend=False))

    def _section_layout(self, section, questions, legend=True):
        parts = []
        if section.intro:
            parts.append(Rendered(render_markdown(section.intro)))
        on_page = {q.key for q in questions}
        for question in questions:
            name = field_name(question)
            # The page's script shows and hides a conditional question by its source's answer, so
            # only when the source is on the same page.
            if question.show_if_key and question.show_if_key in on_page:
                source = self.questions_by_key[question.show_if_key]
                parts.append(
                    Div(
                        name,
                        css_class="plaudit-conditional",
                        **{"data-show-if-name": field_name(source), "data-show-if-equals": question.show_if_value},
                    )
                )
            else:
                parts.append(name)
        return Fieldset(section.title, *parts) if section.title and legend else Div(*parts)

    def raw_answer(self, question: Question):
        if not self.is_bound:
            return self.initial.get(field_name(question))
        return self.data.get(self.add_prefix(field_name(question)))

    def is_shown(self, question: Question, _depth: int = 0) -> bool:
        """Whether a question is asked, given the answers submitted so far."""
        if not question.show_if_key:
            return True
        source = self.questions_by_key.get(question.show_if_key)
        if source is None or _depth > len(self.questions):
            return False
        return self.is_shown(source, _depth + 1) and self.raw_answer(source) == question.show_if_value

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            if not self.is_shown(question):
                cleaned.pop(name, None)
                self.errors.pop(name, None)
        return cleaned

    def answers(self) -> dict[str, object]:
        """Cleaned answers of the questions shown, keyed by question key."""
        return {
            question.key: self.cleaned_data[field_name(question)]
            for question in self.questions
            if field_name(question) in self.cleaned_data
        }

    def draft_values(self) -> dict[str, object]:
        """What the nominator typed, exactly, for every question but files: saved without validating."""
        values = {}
        for question in self.questions:
            if TYPES[question.type].is_file:
                continue
            name = field_name(question)
            raw = self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            values[question.key] = raw
        return values

    def uploads(self) -> dict:
        """The files posted, by question key: the service checks and stores them."""
        posted = {}
        for question in self.questions:
            upload = self.files.get(self.add_prefix(field_name(question))) if is_file(question) else None
            if upload is not None:
                posted[question.key] = upload
        return posted


def data_from_drafts(questions, drafts: dict[str, object]) -> MultiValueDict:
    """Form data that reproduces saved drafts, so a stored draft can be validated like a fresh post."""
    data = MultiValueDict()
    for question in questions:
        raw = drafts.get(question.key)
        if raw is None:
            continue
        for name, value in TYPES[question.type].form_data(field_name(question), raw):
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
    return data


def stored(question: Question, value):
    """A cleaned answer as JSON: dates as ISO text, numbers as exact text."""
    return TYPES[question.type].stored(value)


def shown(question: Question, value) -> str:
    """An answer as people read it, on pages, in emails, exports and packs."""
    return TYPES[question.type].shown(question, value)


def is_file(question: Question) -> bool:
    return TYPES[question.type].is_file


# The field builders by type, as tests and the admin's help list them.
FIELD_BUILDERS = {name: entry.field for name, entry in TYPES.items()}
