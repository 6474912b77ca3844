"""The chair's forms for results: decisions on ticked entries, and an outcome email's template."""

from crispy_forms.helper import FormHelper
from django import forms

from judging.models import Decision, OutcomeTemplate

from .decisions import unknown_placeholders


class DecisionForm(forms.Form):
    """Record the same outcome, with reasons, on the entries ticked in the ranking; or clear or apply."""

    ACTIONS = [
        ("record", "Record"),
        ("clear", "Clear"),
        ("apply", "Apply"),
        ("include", "Rank as they are"),
        ("wait", "Wait for their scorecards"),
    ]

    entries = forms.TypedMultipleChoiceField(
        coerce=int,
        label="Entries",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one entry in the ranking",
            "invalid_choice": "Tick only entries in the ranking",
        },
    )
    outcome = forms.ChoiceField(label="Outcome", required=False)
    reason = forms.CharField(
        label="Reasons",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the decision and shown in the shortlist pack.",
    )
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput, initial="record")

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(entry.pk, entry.reference) for entry in entries]
        self.fields["outcome"].choices = [("", "Choose an outcome")] + list(Decision.Outcome.choices)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "record" and not cleaned.get("outcome"):
            self.add_error("outcome", "Choose an outcome for the ticked entries")
        return cleaned


class OutcomeTemplateForm(forms.ModelForm):
    class Meta:
        model = OutcomeTemplate
        fields = ["subject", "body", "include_feedback"]
        labels = {"subject": "Subject", "body": "Message", "include_feedback": "Add the judges' approved comments"}
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "subject": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].error_messages["required"] = "Enter a subject"
        self.fields["body"].error_messages["required"] = "Enter the message"
        self.fields["body"].max_length = 10000
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _check(self, name):
        text = self.cleaned_data.get(name, "")
        unknown = unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                "Use only the placeholders listed: not " + ", ".join("{" + u + "}" for u in unknown)
            )
        return text

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        text = self._check("body")
        if len(text) > 10000:
            raise forms.ValidationError("The message must be 10,000 characters or fewer")
        return text
