"""The chair's forms for results: decisions on ticked entries, and an outcome email's template."""

from crispy_forms.helper import FormHelper
from django import forms

from judging.models import Decision, OutcomeTemplate, Stage
from plaudit.text import OneLineValidator

from . import messages
from .decisions import unknown_placeholders
from .messages import SEGMENTS


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
        # Read only to check a post: a page of a 20,000-entry ranking does not build them all.
        self.fields["entries"].choices = lambda: [(entry.pk, entry.reference) for entry in entries]
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


class MessageForm(forms.Form):
    """A message from the awards office: who receives it (a segment of one award or stage), and
    a subject and body whose placeholders are checked against what that segment offers."""

    audience = forms.ChoiceField(
        label="Who receives it",
        error_messages={"required": "Choose who receives the message", "invalid_choice": "Choose from the list"},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        validators=[OneLineValidator("The subject")],
        error_messages={
            "required": "Enter a subject",
            "max_length": "The subject must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Message",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Plain text. Each person receives their own copy, with the placeholders filled in for them.",
        error_messages={
            "required": "Enter the message",
            "max_length": "The message must be 10,000 characters or fewer",
        },
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        awards = list(programme.awards.filter(active=True).order_by("position", "pk"))
        stages = list(
            Stage.objects.filter(award__programme=programme)
            .select_related("award")
            .order_by("award__position", "position", "pk")
        )
        self.targets = {}
        groups = []
        for award in awards:
            options = []
            for key, segment in SEGMENTS.items():
                if segment.target == "award":
                    self.targets[f"{key}:{award.pk}"] = (key, award)
                    options.append((f"{key}:{award.pk}", segment.label))
            for stage in (s for s in stages if s.award_id == award.pk):
                for key, segment in SEGMENTS.items():
                    if segment.target == "stage":
                        self.targets[f"{key}:{stage.pk}"] = (key, stage)
                        options.append((f"{key}:{stage.pk}", f"{segment.label}: {stage.name}"))
            groups.append((award.title, options))
        self.fields["audience"].choices = [("", "Choose who receives it"), *groups]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        target = self.targets.get(cleaned.get("audience", ""))
        if target is None:
            return cleaned
        cleaned["segment"], cleaned["target"] = target
        placeholders = SEGMENTS[target[0]].placeholders
        for name in ("subject", "body"):
            unknown = messages.unknown_placeholders(cleaned.get(name, ""), target[0])
            if unknown:
                self.add_error(
                    name,
                    "These placeholders are not offered for who receives it: "
                    + ", ".join("{" + u + "}" for u in unknown)
                    + ". You can use "
                    + ", ".join("{" + p + "}" for p in placeholders)
                    + ".",
                )
        return cleaned
