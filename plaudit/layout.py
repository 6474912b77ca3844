"""Crispy layout objects that never compile data as a template.

crispy-forms' own `HTML` compiles its string as a Django template, and its `Fieldset`
compiles the legend, each with the whole page context (the request, the session cookie,
every queryset). Text that holds data (an answer, a section title an admin typed, a
criterion description) would run there as template code. These take text or HTML that is
already rendered: a legend is escaped, HTML must already be safe (rendered from a template
file, or sanitised Markdown). Every form in Plaudit uses these; a test refuses crispy's own.
"""

from crispy_forms.layout import Fieldset as _CrispyFieldset
from crispy_forms.utils import TEMPLATE_PACK
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


class Rendered:
    """HTML rendered beforehand, put into the form as it is. It must be safe already: a
    plain string is escaped, so unsanitised text shows as text, never as markup or code."""

    def __init__(self, html):
        self.html = conditional_escape(html)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.html


class Fieldset(_CrispyFieldset):
    """A fieldset whose legend is text: escaped, never compiled as a template."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        legend = conditional_escape(self.legend) if self.legend else SafeString("")
        template = self.get_template_name(template_pack)
        context.update({"fieldset": self, "legend": legend, "fields": fields})
        return render_to_string(template, context.flatten())
