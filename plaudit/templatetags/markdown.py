"""Render admin-written Markdown safely: Markdown to HTML, then nh3 keeps only harmless tags."""

import functools

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to put in a page: nh3 strips every tag and attribute not allowed."""
    return mark_safe(_rendered(text or ""))


# A pure function of the text, so remembered: the nomination form renders every question's
# guidance on each request, and building a Markdown parser was a fifth of the page's time.
# Bounded, so an admin's edits only ever displace old entries.
@functools.lru_cache(maxsize=2048)
def _rendered(text: str) -> str:
    html = md.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return f'<div class="plaudit-prose">{clean}</div>'


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)
