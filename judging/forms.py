from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms


class DeclarationForm(forms.Form):
    """One yes/no per nominee (or organisation), a reason where a suggestion is rejected or a conflict declared."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        parts = []
        for key, label, _ids, because in rows:
            self.fields[f"{key}-conflict"] = forms.ChoiceField(
                label=label,
                choices=[("yes", "I have a conflict of interest"), ("no", "No conflict")],
                widget=forms.RadioSelect,
                initial="yes" if because else None,
                help_text=f"Plaudit suggests a conflict: {because}." if because else "",
                error_messages={"required": f"Say whether you have a conflict with {label}"},
            )
            self.fields[f"{key}-reason"] = forms.CharField(
                label="Reason (optional)" if not because else "Your reason",
                required=False,
                max_length=500,
                widget=forms.TextInput,
            )
            parts.append(Div(f"{key}-conflict", f"{key}-reason", css_class="plaudit-declaration-row"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset("Your conflicts of interest", *parts))

    def clean(self):
        cleaned = super().clean()
        for key, label, _ids, because in self.rows:
            if because and cleaned.get(f"{key}-conflict") == "no" and not cleaned.get(f"{key}-reason", "").strip():
                self.add_error(f"{key}-reason", f"Say why you have no conflict with {label}")
        return cleaned

    def decisions(self) -> dict[str, tuple[bool, str]]:
        return {
            key: (self.cleaned_data[f"{key}-conflict"] == "yes", self.cleaned_data.get(f"{key}-reason", "").strip())
            for key, *_ in self.rows
        }


def level_label(level: int, levels: dict[int, str]) -> str:
    """'3: Clear evidence with examples', or for an undescribed level, where it sits between two."""
    if level in levels:
        return f"{level}: {levels[level]}"
    below = max((n for n in levels if n < level), default=None)
    above = min((n for n in levels if n > level), default=None)
    if below is not None and above is not None:
        return f"{level}: between “{levels[below]}” and “{levels[above]}”"
    return str(level)


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
                choices.append(("na", "Not applicable"))
            self.fields[f"score-{criterion.key}"] = forms.ChoiceField(
                label=f"Your score for {criterion.title}", choices=choices, widget=forms.RadioSelect, required=False
            )
            self.fields[f"comment-{criterion.key}"] = forms.CharField(
                label=f"Comment on {criterion.title} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["overall_comment"] = forms.CharField(
            label="Overall comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def score_inputs(self):
        from .scorecards import ScoreInput

        return {
            c.key: ScoreInput(self.data.get(f"score-{c.key}", ""), self.data.get(f"comment-{c.key}", ""))
            for c in self.criteria
        }
