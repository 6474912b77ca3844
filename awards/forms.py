"""Admin forms for awards: friendly editors for the JSON fields, and cross-row rules.

Single-row rules live on the models (Question.clean, Criterion.clean); the rules
that compare rows (duplicate keys, show_if looking back, criteria naming
questions) live on the inline formsets here, because only they see every row
of a submission at once. Both call awards.rules.
"""

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget

from plaudit.ids import is_whole_number

from . import rules
from .building import earlier_questions, key_from, question_keys
from .models import Criterion, Programme, Question, Section


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


class DaysField(forms.CharField):
    """Whole numbers of days, written like '7, 1'."""

    def prepare_value(self, value):
        return ", ".join(str(day) for day in value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        parts = [part.strip() for part in (super().to_python(value) or "").replace(";", ",").split(",") if part.strip()]
        if not all(is_whole_number(part) and len(part) < 6 for part in parts):
            raise forms.ValidationError("Give whole numbers of days, separated by commas (for example 7, 1).")
        return sorted((int(part) for part in parts), reverse=True)

    def validate(self, value):
        problem = rules.reminder_days_problem(value)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")


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
            "draft_reminder_days",
            "judge_reminder_days",
        ]

    draft_reminder_days = DaysField(
        label="Remind draft holders (days before the deadline)",
        required=False,
        help_text="For example 7, 1: a week before nominations close and the day before. Empty: no reminders.",
    )
    judge_reminder_days = DaysField(
        label="Remind judges with work left (days before a stage closes)",
        required=False,
        help_text="For example 3, 1. Empty: none (chairs can still remind judges from the progress page).",
    )

    def clean_screening_reasons(self):
        reasons = self.cleaned_data["screening_reasons"]
        problem = rules.reasons_problem(reasons)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return reasons


class DecimalInput(forms.NumberInput):
    """A decimal shown as people write it: 2, not 2.0000."""

    def format_value(self, value):
        if value in (None, ""):
            return value
        try:
            from decimal import Decimal

            number = Decimal(str(value)).normalize()
        except ArithmeticError:
            return value
        return format(number, "f")


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
        widgets = {"weight": DecimalInput(attrs={"step": "any"})}


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
            if is_whole_number(row["id"]) and is_whole_number(row["position"].lstrip("-")):
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


# The award builder (awards.building): one form per kind of thing, each saved on its own.

COMMON_QUESTION_FIELDS = ("section", "prompt", "guidance", "key", "required", "identifying", "visible_to_judges")


class MadeKey:
    """The key of a builder form: left blank, it is made from the prompt or title (awards.building);
    fixed once nominators have answered or judges have scored; checked in the importer's words."""

    def set_up_key(self, *, fixed: bool, made_from: str, fixed_because: str) -> None:
        key = self.fields["key"]
        key.required = False
        key.validators = []  # clean_key says what is wrong, in the importer's words
        key.help_text = f"Left blank, it is made from the {made_from}."
        if fixed:
            key.disabled = True
            key.help_text = f"Fixed: {fixed_because}."

    def others_with_key(self, key: str):
        raise NotImplementedError

    def clean_key(self):
        key = (self.cleaned_data.get("key") or "").strip()
        if key:
            problem = rules.key_problem(key)
            if problem:
                raise forms.ValidationError(f"The key {problem}.")
            if self.others_with_key(key).exists():
                raise forms.ValidationError(
                    f"The key “{key}” is already used by another {self._meta.model._meta.verbose_name} of this award."
                )
        return key


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ("title", "intro")
        labels = {"title": "Section title", "intro": "Introduction (optional)"}
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class BuilderQuestionForm(MadeKey, forms.ModelForm):
    """A question of one type: the settings every question has, and that type's own (the rest do
    not apply, so they are not shown). Checked by the importer's rules (awards.rules)."""

    choices = LinesField(required=False, label="Choices", help_text="One choice per line, in the order shown.")
    file_types = FileTypesField(
        required=False, label="Accepted file types", help_text="For example pdf, docx, png, jpg."
    )
    show_if_key = forms.ChoiceField(label="Show only after an earlier answer", required=False)
    show_if_value = forms.CharField(label="The answer that shows it", required=False, max_length=200)

    class Meta:
        model = Question
        fields = COMMON_QUESTION_FIELDS
        labels = {"prompt": "Question", "guidance": "Hint (optional)", "key": "Key"}
        widgets = {"prompt": forms.Textarea(attrs={"rows": 2}), "guidance": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"prompt": {"required": "Enter the question nominators are asked"}}

    def __init__(self, *args, award, answered=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = self.instance.award = award
        for name in ("choices", "file_types"):
            if name not in self._meta.fields:
                del self.fields[name]  # another type's option
        self.fields["section"].queryset = award.sections.order_by("position", "id")
        self.fields["section"].empty_label = None
        self.set_up_key(fixed=answered, made_from="question", fixed_because="nominators have answered this question")
        sources = [
            (q.key, f"{q.prompt[:60]} ({q.key})")
            for q in award.questions.filter(active=True, type__in=rules.SHOW_IF_SOURCE_TYPES)
            .exclude(pk=self.instance.pk)
            .order_by("section__position", "position")
        ]
        self.fields["show_if_key"].choices = [("", "Always show it")] + sources
        self.fields["show_if_key"].initial = self.instance.show_if_key
        self.fields["show_if_value"].initial = self.instance.show_if_value

    def others_with_key(self, key):
        return self.award.questions.filter(active=True, key=key).exclude(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("prompt") and "key" not in self.errors:
            cleaned["key"] = key_from(cleaned["prompt"], question_keys(self.award, but=self.instance))
        self.instance.show_if_key = cleaned.get("show_if_key") or ""
        self.instance.show_if_value = (cleaned.get("show_if_value") or "").strip() if self.instance.show_if_key else ""
        if self.instance.show_if_key:
            probe = self.instance
            if cleaned.get("section"):
                probe.section = cleaned["section"]
            problem = rules.show_if_problem(
                self.instance.show_if_key, self.instance.show_if_value, earlier_questions(probe)
            )
            if problem:
                self.add_error("show_if_key", f"Show only if: this {problem}.")
        return cleaned


def question_form(question_type: str) -> type[BuilderQuestionForm]:
    """The builder's form for one type of question: the common settings and that type's options."""
    options = tuple(option for option, types in rules.TYPE_OPTIONS.items() if question_type in types)
    meta = type("Meta", (BuilderQuestionForm.Meta,), {"fields": COMMON_QUESTION_FIELDS + options})
    return type(f"{question_type.title().replace('_', '')}QuestionForm", (BuilderQuestionForm,), {"Meta": meta})


class BuilderCriterionForm(MadeKey, forms.ModelForm):
    """A criterion, with the questions whose answers judges read beside it ticked in the same place."""

    levels = LevelsField(
        label="What each score means",
        required=False,
        help_text="One level per line, like '3: Clear evidence with examples'. Publishing needs at least one.",
    )
    question_keys = forms.MultipleChoiceField(
        label="Answers judges read beside it", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Criterion
        fields = (
            "title",
            "key",
            "description",
            "weight",
            "scale_min",
            "scale_max",
            "allow_na",
            "levels",
            "question_keys",
        )
        labels = {"title": "Criterion", "description": "Guidance for judges (optional)", "weight": "Weight"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "weight": DecimalInput(attrs={"step": "any"})}
        error_messages = {"title": {"required": "Enter the criterion's title"}}

    def __init__(self, *args, award, scored=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = self.instance.award = award
        self.fields["question_keys"].choices = [
            (q.key, q.prompt[:100])
            for q in award.questions.filter(active=True).order_by("section__position", "position")
        ]
        self.set_up_key(fixed=scored, made_from="title", fixed_because="judges have scored against it")

    def others_with_key(self, key):
        return self.award.criteria.filter(key=key).exclude(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("title") and "key" not in self.errors:
            taken = set(self.award.criteria.exclude(pk=self.instance.pk).values_list("key", flat=True))
            cleaned["key"] = key_from(cleaned["title"], taken)
        return cleaned
