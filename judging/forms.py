from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms

from plaudit.layout import Fieldset

from .scorecards import ScoreInput


class DeclarationForm(forms.Form):
    """One yes/no per nominee (or organisation), a reason where a suggestion is rejected or a conflict declared."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        parts = []
        for row in rows:
            key, label, because = row.key, row.label, row.because
            self.fields[f"{key}-conflict"] = forms.ChoiceField(
                label=label,
                choices=[("yes", "I have a conflict of interest"), ("no", "No conflict")],
                widget=forms.RadioSelect,
                initial="yes" if because else None,
                help_text=f"Plaudit suggests a conflict: {because}." if because else "",
                error_messages={"required": f"Say whether you have a conflict with {label}"},
            )
            reason = forms.CharField(
                label="Reason" if not because else "Your reason",
                required=False,
                max_length=500,
                widget=forms.TextInput,
                help_text="Needed if you say there is no conflict: why the suggestion does not apply."
                if because
                else "",
            )
            # Not "(optional)": it is needed when the judge rejects the suggestion.
            reason.needed_sometimes = bool(because)
            self.fields[f"{key}-reason"] = reason
            parts.append(Div(f"{key}-conflict", f"{key}-reason", css_class="plaudit-declaration-row"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset("Your conflicts of interest", *parts))

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            key = row.key
            if row.because and cleaned.get(f"{key}-conflict") == "no" and not cleaned.get(f"{key}-reason", "").strip():
                self.add_error(f"{key}-reason", f"Say why you have no conflict with {row.label}")
        return cleaned

    def decisions(self) -> dict[str, tuple[bool, str]]:
        return {
            row.key: (
                self.cleaned_data[f"{row.key}-conflict"] == "yes",
                self.cleaned_data.get(f"{row.key}-reason", "").strip(),
            )
            for row in self.rows
        }


class ConflictForm(forms.Form):
    """A judge declares a conflict with an entry they can see, at any time."""

    reason = forms.CharField(
        label="Your reason",
        max_length=500,
        widget=forms.TextInput,
        help_text="For example: I manage the nominee, or I know the nominator well. Kept for the awards office.",
        error_messages={"required": "Say what your conflict of interest is"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def level_label(level: int, levels: dict[int, str]) -> str:
    """'3: Clear evidence with examples', or for an undescribed level, where it sits between two."""
    if level in levels:
        return f"{level}: {levels[level]}"
    below = max((n for n in levels if n < level), default=None)
    above = min((n for n in levels if n > level), default=None)
    if below is not None and above is not None:
        return f"{level}: between “{levels[below]}” and “{levels[above]}”"
    return str(level)


COMMENT_LIMIT = 5000


class ScorecardForm(forms.Form):
    """A radio per criterion labelled with its level descriptors, N/A where allowed, and comments."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            choices = [
                (str(level), level_label(level, criterion.level_descriptors))
                for level in range(criterion.scale_min, criterion.scale_max + 1)
            ]
            if criterion.allow_na:
                # Not a score: left out of the total, unlike the lowest level (even one called
                # "Not answered"), which is a score and counts.
                choices.append(("na", "Not applicable (left out of your total)"))
            self.fields[f"score-{criterion.key}"] = forms.ChoiceField(
                label=f"Your score for {criterion.title}", choices=choices, widget=forms.RadioSelect, required=False
            )
            self.fields[f"comment-{criterion.key}"] = forms.CharField(
                label=f"Comment on {criterion.title}",
                required=False,
                max_length=COMMENT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["overall_comment"] = forms.CharField(
            label="Overall comment",
            required=False,
            max_length=COMMENT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def score_inputs(self):
        return {
            c.key: ScoreInput(self.data.get(f"score-{c.key}", ""), self.data.get(f"comment-{c.key}", ""))
            for c in self.criteria
        }


class BallotForm(forms.Form):
    """Approval: one checkbox per entry. Ranked: a rank to choose for each entry, blank for unranked."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, stage, entries, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage, self.entries = stage, entries
        self.approval = stage.voting == "approval"
        if self.approval:
            limit = stage.approvals_allowed or 0
            self.fields["approve"] = forms.MultipleChoiceField(
                label="The entries you approve",
                help_text=f"Choose up to {limit} {'entry' if limit == 1 else 'entries'}.",
                choices=[(str(entry.pk), titles[entry.pk]) for entry in entries],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                error_messages={"invalid_choice": "Choose only from the entries listed"},
            )
        else:
            ranks = [("", "Not ranked")] + [(str(n), str(n)) for n in range(1, len(entries) + 1)]
            for entry in entries:
                self.fields[f"rank-{entry.pk}"] = forms.ChoiceField(
                    label=f"Your rank for {titles[entry.pk]}",
                    choices=ranks,
                    required=False,
                    error_messages={"invalid_choice": f"Choose a rank from 1 to {len(entries)}"},
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def choices(self) -> dict[int, int | None]:
        if self.approval:
            return {int(pk): None for pk in self.cleaned_data.get("approve", [])}
        return {
            entry.pk: int(self.cleaned_data[f"rank-{entry.pk}"])
            for entry in self.entries
            if self.cleaned_data.get(f"rank-{entry.pk}")
        }


class AddJudgeForm(forms.Form):
    judge = forms.TypedChoiceField(coerce=int, error_messages={"required": "Choose a judge to add"})

    def __init__(self, *args, judges, reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].choices = [("", "Choose a judge")] + judges
        self.fields["judge"].label = f"Add a judge to {reference}"


class MoveForm(forms.Form):
    """Move a leaving judge's unfinished work to another judge, or share it across the panel."""

    from_judge = forms.TypedChoiceField(
        coerce=int,
        label="Move the unfinished entries of",
        error_messages={"required": "Choose the judge who is leaving"},
    )
    to_judge = forms.TypedChoiceField(
        coerce=int,
        label="To",
        required=False,
        empty_value=None,
        help_text="Or leave as shared to give each entry to the least busy judge free of conflicts.",
    )

    def __init__(self, *args, judges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_judge"].choices = [("", "Choose a judge")] + judges
        self.fields["to_judge"].choices = [("", "Share among the panel")] + judges
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_judge") and cleaned.get("from_judge") == cleaned.get("to_judge"):
            self.add_error("to_judge", "Choose a different judge to move the work to")
        return cleaned


class AssignmentsUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload an assignments CSV file",
        help_text="Columns reference and judge_email, one row per judge and entry, as in the download. "
        "The file replaces the assignments of the entries you can see.",
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if getattr(upload, "too_large", False) or upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8") from error
        if "\x00" in text:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8")
        return text
