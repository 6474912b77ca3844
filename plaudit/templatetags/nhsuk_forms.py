"""Template helpers for the project's crispy template pack (templates/nhsuk/).

They decide which NHS.UK component a field becomes and which classes and
aria attributes its widget carries, so the templates stay declarative.
"""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()

CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def nhsuk_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, CHOICE_WIDGETS):
        return "choices"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def nhsuk_choice_class(field) -> str:
    return "nhsuk-checkboxes" if isinstance(field.field.widget, forms.CheckboxSelectMultiple) else "nhsuk-radios"


@register.filter
def nhsuk_inline(field) -> bool:
    """Two short options (yes/no) sit side by side, as NHS.UK suggests."""
    choices = list(getattr(field.field, "choices", []))
    return isinstance(field.field.widget, forms.RadioSelect) and len(choices) == 2


@register.filter
def nhsuk_optional(field) -> bool:
    """Whether the label says "(optional)": for a field that is not required, unless its label
    says so already (an office's prompt "Supporting evidence (optional)") or the field is needed
    in some cases (`field.needed_sometimes`, which its hint explains), where "optional" misleads."""
    if field.field.required or getattr(field.field, "needed_sometimes", False):
        return False
    return "(optional)" not in str(field.label).lower()


@register.filter
def nhsuk_describedby(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    for index, _ in enumerate(field.errors):
        ids.append(f"{field.auto_id}-error" + (f"-{index + 1}" if index else ""))
    if nhsuk_count_limit(field):
        ids.append(f"{field.auto_id}-info")
    return " ".join(ids)


@register.filter
def nhsuk_count_limit(field) -> dict | None:
    """The character-count component's limit: words for long text, characters for short."""
    attrs = field.field.widget.attrs
    if attrs.get("data-maxwords"):
        return {"kind": "words", "count": attrs["data-maxwords"]}
    if attrs.get("data-maxlength"):
        return {"kind": "characters", "count": attrs["data-maxlength"]}
    return None


@register.simple_tag
def nhsuk_widget(field, css_class=None):
    widget = field.field.widget
    if css_class is None:
        if isinstance(widget, forms.Textarea):
            css_class = "nhsuk-textarea"
        elif isinstance(widget, forms.Select):
            css_class = "nhsuk-select"
        elif isinstance(widget, forms.FileInput):
            css_class = "nhsuk-file-upload"
        else:
            css_class = "nhsuk-input"
        if field.errors:
            css_class += f" {css_class}--error"
    attrs = {"class": " ".join(filter(None, [css_class, widget.attrs.get("class")]))}
    if nhsuk_count_limit(field):
        attrs["class"] += " nhsuk-js-character-count"
    described = nhsuk_describedby(field)
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


def error_anchor(bound_field) -> str:
    """Where the error summary links to: the first control of the field."""
    if nhsuk_kind(bound_field) == "choices":
        return f"{bound_field.auto_id}_0"
    if nhsuk_kind(bound_field) == "date":
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.simple_tag
def nhsuk_error_summary(*forms_):
    """The NHS.UK error summary for one or more forms, linking each message to its field."""
    errors = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            errors.append(("non-field-errors", error))
        for name, field_errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            anchor = error_anchor(form[name])
            errors.extend((anchor, message) for message in field_errors)
    return render_to_string("nhsuk/error_summary.html", {"errors": errors})
