"""`one_line`: other people's words quoted in an email, flattened to one plain line (plaudit.text)."""

from django import template

from plaudit.text import one_line

register = template.Library()


@register.filter(name="one_line")
def one_line_filter(value, limit=200):
    return one_line(value, int(limit))
