"""Admin forms for awards: friendly editors for the JSON fields, and cross-row rules.

Single-row rules live on the models (Question.clean, Criterion.clean); the rules
that compare rows (duplicate keys, show_if looking back, criteria naming
questions) live on the inline formsets here, because only they see every row
of a submission at once. Both call awards.rules.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget

from . import rules
from .models import Criterion, Programme, Question


class LinesField(forms.CharField):
    """A list edited as one item per line."""

    widget = AdminTextareaWidget(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class FileTypesField(LinesField):
    widget = forms.TextInput(attrs={"size": 40})

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = forms.CharField.to_python(self, value) or ""
        return [part.strip().lower().lstrip(".") for part in text.replace("\n", ",").split(",") if part.strip()]


class LinesField(forms.CharField):
    """A list of short texts edited one per line (blank lines ignored)."""

    widget = AdminTextareaWidget(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(str(item) for item in value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]


class ProgrammeAdminForm(forms.ModelForm):
    screening_reasons = LinesField(
        label="Reasons a nomination is not eligible",
        required=False,
        help_text="One per line, offered when the office marks nominations not eligible. Leave empty to offer Plaudit's usual reasons.",
    )

    class Meta:
        model = Programme
        fields = [
            "slug",
            "name",
            "organiser",
            "contact_email",
            "timezone",
            "nominations_open",
            "nominations_close",
            "retention_months",
            "screening",
            "screening_reasons",
        ]

    def clean_screening_reasons(self):
        reasons = self.cleaned_data["screening_reasons"]
        problem = rules.reasons_problem(reasons)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return reasons


class LevelsField(forms.CharField):
    """Level descriptors edited as lines like '3: Clear evidence with examples'."""

    widget = AdminTextareaWidget(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, dict):
            items = sorted(((int(k), v) for k, v in value.items()), key=lambda kv: kv[0])
            return "\n".join(f"{level}: {text}" for level, text in items)
        return value

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        text = super().to_python(value) or ""
        levels = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            level, sep, descriptor = line.partition(":")
            try:
                level = int(level.strip())
            except ValueError:
                raise forms.ValidationError(
                    f"Line {number} must start with a whole-number level and a colon, like '3: Clear evidence'."
                ) from None
            if not sep or not descriptor.strip():
                raise forms.ValidationError(f"Line {number} needs a descriptor after the colon.")
            if str(level) in levels:
                raise forms.ValidationError(f"Level {level} is described twice.")
            levels[str(level)] = descriptor.strip()
        return levels


class QuestionAdminForm(forms.ModelForm):
    choices = LinesField(required=False, help_text="Choice and multi-choice questions: one choice per line.")
    file_types = FileTypesField(required=False, help_text="File questions: for example pdf, docx, png, jpg.")

    class Meta:
        model = Question
        fields = (
            "section",
            "position",
            "key",
            "type",
            "prompt",
            "guidance",
            "required",
            "active",
            "max_length",
            "min_words",
            "max_words",
            "min_value",
            "max_value",
            "choices",
            "min_choices",
            "max_choices",
            "reportable",
            "file_types",
            "max_size_mb",
            "identifying",
            "visible_to_judges",
            "show_if_key",
            "show_if_value",
        )

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        new_type = cleaned.get("type")
        if instance.pk and new_type and new_type != instance.type:
            answers = instance.answers.count()
            if answers:
                self.add_error(
                    "type",
                    f"This question has {answers} answers, so its type cannot change. "
                    "Untick Active to retire it and add a new question instead.",
                )
        qtype = cleaned.get("type")
        for option, types in rules.TYPE_OPTIONS.items():
            value = cleaned.get(option)
            if value not in (None, False, [], "") and qtype and qtype not in types:
                label = self.fields[option].label or option
                self.add_error(option, f"{label} does not apply to this type of question.")
        return cleaned


class CriterionAdminForm(forms.ModelForm):
    levels = LevelsField(required=False, help_text="One level per line, like '3: Clear evidence with examples'.")
    question_keys = forms.MultipleChoiceField(
        label="Answers shown beside it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Save the award's questions first; they then appear here.",
    )

    class Meta:
        model = Criterion
        fields = (
            "key",
            "position",
            "title",
            "description",
            "weight",
            "allow_na",
            "scale_min",
            "scale_max",
            "levels",
            "question_keys",
        )


def _posted(formset, prefix: str) -> list[dict]:
    """The rows another inline formset posted, read from the raw data (not yet cleaned)."""
    data = formset.data
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return []
    rows = []
    for index in range(min(total, 1000)):
        row = {name: data.get(f"{prefix}-{index}-{name}", "") for name in ("id", "key", "position", "DELETE", "active")}
        rows.append(row)
    return rows


def _is_deleting(form) -> bool:
    return bool(form.cleaned_data.get("DELETE")) if hasattr(form, "cleaned_data") else False


class QuestionInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # A new award has no saved sections yet (and so no questions can name one).
        saved_sections = self.instance.sections.all() if self.instance.pk else []
        section_positions = {section.pk: section.position for section in saved_sections}
        # Sections reordered in the same submission count with their new positions.
        for row in _posted(self, "sections"):
            if row["id"].isdigit() and row["position"].lstrip("-").isdigit():
                section_positions[int(row["id"])] = int(row["position"])
        live = []
        seen_keys: dict[str, int] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or _is_deleting(form) or not data.get("key") or not data.get("active", True):
                continue
            key = data["key"]
            if key in seen_keys:
                form.add_error("key", f"The key '{key}' is already used by another question of this award.")
                continue
            seen_keys[key] = 1
            section = data.get("section")
            live.append(((section_positions.get(section.pk, 0) if section else 0, data.get("position") or 0), form))
        earlier: dict[str, tuple] = {}
        for _, form in sorted(live, key=lambda item: item[0]):
            data = form.cleaned_data
            if data.get("show_if_key"):
                problem = rules.show_if_problem(data["show_if_key"], data.get("show_if_value"), earlier)
                if problem:
                    form.add_error("show_if_key", f"Show only if {problem}.")
            earlier[data["key"]] = (data.get("type"), data.get("choices") or [])


class CriterionInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Our checks first, so a duplicate key gets our message rather than Django's generic one.
        self._check_rows()
        super().clean()

    def _check_rows(self):
        question_rows = _posted(self, "questions")
        live_keys = {row["key"] for row in question_rows if row["key"] and not row["DELETE"] and row["active"]}
        if not question_rows and self.instance.pk:
            live_keys = set(self.instance.questions.filter(active=True).values_list("key", flat=True))
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or _is_deleting(form) or not data.get("key"):
                continue
            key = data["key"]
            if key in seen:
                form.add_error("key", f"The key '{key}' is already used by another criterion of this award.")
            seen.add(key)
            missing = [key for key in data.get("question_keys") or [] if key not in live_keys]
            if missing:
                form.add_error("question_keys", f"'{missing[0]}' is no longer a question of this award.")
