"""Labels for the admin's inputs that Django leaves unlabelled (axe: "Form elements must have labels").

Django's admin writes the date and the time of a date-time field as two inputs after plain
"Date:" and "Time:" text, and a tabular inline's inputs under column headings, none of them
with a label a screen reader announces. Every Plaudit admin class mixes this in; the names
come from the fields' own labels.
"""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst


def name_inputs(formfield: forms.Field, *, in_table: bool) -> None:
    """Give a field's inputs accessible names where the admin renders them without a label."""
    label = capfirst(str(formfield.label or ""))
    widget = formfield.widget
    widget = getattr(widget, "widget", widget)  # the related-field wrapper (add/change links) holds the input
    if isinstance(widget, forms.SplitDateTimeWidget):
        date, time = widget.widgets
        date.attrs.setdefault("aria-label", f"{label}: date")
        time.attrs.setdefault("aria-label", f"{label}: time")
    elif in_table and not isinstance(widget, forms.HiddenInput):
        widget.attrs.setdefault("aria-label", label)


class LabelledInputs:
    """Mixed into every admin class: date-time inputs are named, and a tabular inline's inputs too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name_inputs(formfield, in_table=isinstance(self, admin.TabularInline))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not isinstance(self, admin.TabularInline):
            return formset

        class NamedDelete(formset):
            """A row's "Delete?" box sits under a column heading, without a label of its own."""

            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", "Delete this row")

        return NamedDelete
