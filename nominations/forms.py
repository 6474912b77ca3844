"""Forms of the nomination journey: starting, the identity block every award asks, withdrawing."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.datastructures import MultiValueDict

from awards.models import Award
from plaudit.addresses import AddressField
from plaudit.ids import is_whole_number
from plaudit.layout import Fieldset
from plaudit.text import OneLineValidator

from .builder import AwardForm, CharacterLimitValidator, data_from_drafts, field_name, questions_by_section
from .endorsements import statement_problem
from .models import Nomination
from .selectors import working_copy

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
}


class StartForm(forms.Form):
    email = AddressField(
        label="Your email address",
        help_text="We will send you a link so you can come back to your nomination, and a copy when you submit it.",
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def text_field(label, *, required=True, limit=300, help_text="", autocomplete=None, message=None):
    """One line of plain text (names, organisations, job titles): they are quoted in emails to
    other people, so a line break cannot start a message of the nominator's own there."""
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[
            CharacterLimitValidator(limit, label.removesuffix(" (optional)")),
            OneLineValidator(label.removesuffix(" (optional)")),
        ],
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}"},
    )


NOMINEE_WORDS = {
    "individual": ("the person", "Their full name", "Their job title", "Their email address"),
    "team": ("the team", "The team's name", "The team lead's name and job title", "The team lead's email address"),
    "organisation": (
        "the organisation",
        "The organisation's name",
        "A contact's name and job title",
        "The contact's email address",
    ),
    "individual_or_team": (
        "the person or team",
        "Their name, or the team's name",
        "Their job title, or for a team the team lead's name and job title",
        "Their email address, or for a team the team lead's",
    ),
}


class IdentityForm(forms.Form):
    """Who is nominated and who is nominating: asked by every form, shaped by the award."""

    IDENTITY_FIELDS = ("self_nomination", *(name for name, _mine, _office in Nomination.IDENTITY))

    def __init__(self, *args, award: Award, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = award
        who, name_label, title_label, email_label = NOMINEE_WORDS[award.nominee]
        nominee_fields = []
        if award.self_nomination:
            self.fields["self_nomination"] = forms.ChoiceField(
                label="Are you nominating yourself?",
                choices=[("yes", "Yes"), ("no", "No")],
                widget=forms.RadioSelect,
                error_messages={"required": "Select yes if you are nominating yourself"},
            )
            nominee_fields.append("self_nomination")
        if award.nominee == Award.Nominee.INDIVIDUAL_OR_TEAM:
            self.fields["nominee_kind"] = forms.ChoiceField(
                label="Are you nominating a person or a team?",
                choices=[("individual", "A person"), ("team", "A team")],
                widget=forms.RadioSelect,
                error_messages={"required": "Select whether you are nominating a person or a team"},
            )
            nominee_fields.append("nominee_kind")
        self.fields["nominee_name"] = text_field(name_label, autocomplete="off", message=f"Enter the name of {who}")
        is_organisation = award.nominee == Award.Nominee.ORGANISATION
        self.fields["nominee_job_title"] = text_field(
            title_label, message=f"Enter {title_label[0].lower()}{title_label[1:]}"
        )
        nominee_fields += ["nominee_name", "nominee_job_title"]
        if not is_organisation:
            self.fields["nominee_organisation"] = text_field(
                "Their organisation",
                help_text="For example, the NHS trust, practice or charity they work for.",
                message="Enter their organisation",
            )
            nominee_fields.append("nominee_organisation")
        self.fields["nominee_email"] = AddressField(
            label=email_label,
            help_text="We ask the nominee to agree to be considered, and tell them the outcome."
            if award.consent_required
            else "We tell the nominee the outcome.",
            error_messages={
                "required": f"Enter {email_label[0].lower()}{email_label[1:]}",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        )
        nominee_fields.append("nominee_email")

        self.fields["nominator_name"] = text_field(
            "Your full name", autocomplete="name", message="Enter your full name"
        )
        self.fields["nominator_organisation"] = text_field(
            "Your organisation", required=False, autocomplete="organization"
        )
        self.fields["nominator_relationship"] = text_field(
            "How do you know the nominee?",
            help_text="For example, their manager, a colleague, a patient, a carer or a family member.",
            message="Tell us how you know the nominee",
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(f"About {who} you are nominating", *nominee_fields),
            Fieldset(
                "About you",
                "nominator_name",
                "nominator_organisation",
                Div("nominator_relationship", css_id="relationship-group"),
            ),
        )
        if self.is_bound and self.data.get(self.add_prefix("self_nomination")) == "yes":
            # Nominating yourself: how you know the nominee goes without saying.
            self.fields["nominator_relationship"].required = False

    def draft_values(self) -> dict:
        return {
            name: self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name in self.fields
        }

    def identity(self) -> dict:
        """Cleaned values for the Nomination's identity fields."""
        data = {name: self.cleaned_data.get(name, "") or "" for name in self.IDENTITY_FIELDS}
        data["self_nomination"] = self.cleaned_data.get("self_nomination") == "yes"
        if "nominee_kind" not in self.fields:
            data["nominee_kind"] = self.award.nominee
        return data


def _owns(name: str, key: str) -> bool:
    """Whether a posted key belongs to a field: its own name, or a part of it (a date's `_0`…`_2`)."""
    return key == name or (key.startswith(f"{name}_") and is_whole_number(key[len(name) + 1 :]))


def posted_over_saved(saved: MultiValueDict, post, only: frozenset[str]) -> MultiValueDict:
    """The saved form data with the fields in `only` as posted: a page that shows some of the
    fields (a step of a form in steps) changes those and keeps the rest. A field of `only` that
    was not posted at all (no box ticked) is empty, as on a page with every field."""
    data = MultiValueDict({key: saved.getlist(key) for key in saved if not any(_owns(n, key) for n in only)})
    for key in post:
        if any(_owns(name, key) for name in only):
            data.setlist(key, post.getlist(key))
    return data


def nomination_forms(nomination: Nomination, *, post=None, uploads=None, saved=None, bind_saved=False, only=None):
    """The identity and answer forms of one nomination: every page and service builds them here.

    - `post` (request.POST, with `uploads` as request.FILES): bound to what was just sent. An
      upload already saved satisfies a required file question that is not sent again.
    - `bind_saved`: bound to the saved working copy, to validate it exactly as if it had just been
      sent (the check page, submitting).
    - neither: unbound, showing the working copy (the edit page): drafts first, then what was
      submitted.

    `only` (with `post`): the names of the fields the page showed; every other field keeps its
    saved value (a step of a form in steps, nominations.steps).

    `saved` is the working copy (`selectors.working_copy`) where the caller has read it already.
    The award is `nomination.award`: the views set it to the award with its questions prefetched.
    """
    award = nomination.award
    drafts, files = working_copy(nomination) if saved is None else saved
    questions = [q for _, qs in questions_by_section(award) for q in qs]
    saved_files = {field_name(q): files[q.key][0] for q in questions if q.key in files}
    saved_identity = {name: value for name, value in nomination.identity_draft.items() if value is not None}
    if post is not None and only is not None:
        return (
            IdentityForm(
                posted_over_saved(MultiValueDict({k: [v] for k, v in saved_identity.items()}), post, only), award=award
            ),
            AwardForm(
                posted_over_saved(data_from_drafts(questions, drafts), post, only),
                uploads,
                award=award,
                initial=saved_files,
            ),
        )
    if post is not None:
        return (
            IdentityForm(post, award=award),
            AwardForm(post, uploads, award=award, initial=saved_files),
        )
    if bind_saved:
        return (
            IdentityForm(saved_identity, award=award),
            AwardForm(data_from_drafts(questions, drafts), {}, award=award, initial=saved_files),
        )
    identity = {
        name: getattr(nomination, name) for name in IdentityForm.IDENTITY_FIELDS if getattr(nomination, name, "")
    }
    identity["self_nomination"] = "yes" if nomination.self_nomination else ("no" if nomination.submitted_at else None)
    identity.update(nomination.identity_draft)
    answers = {field_name(q): drafts.get(q.key) for q in questions}
    return IdentityForm(initial=identity, award=award), AwardForm(award=award, initial=answers | saved_files)


class WithdrawForm(forms.Form):
    confirm = forms.ChoiceField(
        label="Are you sure you want to withdraw this nomination?",
        choices=[("yes", "Yes, withdraw it"), ("no", "No, keep it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes to withdraw the nomination"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree to be considered for this award?",
        choices=[("agree", "Yes, I agree to be considered"), ("decline", "No, I do not want to be considered")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree to be considered"},
    )
    remove_data = forms.BooleanField(
        label="Also remove my name and details from this nomination",
        required=False,
        help_text="Only if you decline. The awards office keeps no record of your details.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_data") and cleaned.get("decision") == "agree":
            self.add_error("remove_data", "You can only remove your details if you decline")
        return cleaned


class StatementForm(forms.Form):
    """The referee's supporting statement: written here, or a letter uploaded (or both)."""

    statement = forms.CharField(
        label="Your statement",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    letter = forms.FileField(
        label="Or upload a letter",
        required=False,
        widget=forms.FileInput,
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args, endorsement, words: int, file_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.endorsement = endorsement
        self.fields["statement"].widget.attrs["data-maxwords"] = words
        self.fields[
            "letter"
        ].help_text = f"A {' or '.join(t.upper() for t in file_types)} file, if you have written one."
        self.fields["letter"].widget.attrs["accept"] = ",".join(f".{t}" for t in file_types)
        self.fields["statement"].needed_sometimes = True
        self.fields["letter"].needed_sometimes = True
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        problem = statement_problem(self.endorsement, cleaned.get("statement") or "", cleaned.get("letter"))
        if problem:
            self.add_error(*problem)
        return cleaned
