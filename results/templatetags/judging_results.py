"""Small filters for results pages and packs: numbers to two decimals, the rank and score by the chosen order,
and the inline SVG score strip."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def two(value) -> str:
    """A figure to two decimals, or an en dash when there is none."""
    if value is None or value == "":
        return "–"
    return f"{float(value):.2f}"


@register.filter
def shown_score(row, order_by) -> str:
    return two(row.result.normalised_score if order_by == "normalised" else row.result.score)


@register.filter
def shown_rank(row, order_by):
    rank = row.result.normalised_rank if order_by == "normalised" else row.result.rank
    return "–" if rank is None else rank


@register.filter
def score_strip(totals) -> str:
    """Each judge's total as a dot on a 0–100 line: a quick look at how far judges agree.

    Decorative beside the figures in the table (which say the same in words), so hidden from
    screen readers.
    """
    width, height = 120, 16
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="8" r="3.5" fill="#005eb8" fill-opacity="0.7"></circle>',
        ((f"{4 + (width - 8) * max(0.0, min(100.0, t)) / 100:.1f}",) for t in totals),
    )
    return format_html(
        '<svg class="plaudit-strip" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true" focusable="false">'
        '<line x1="4" y1="8" x2="{}" y2="8" stroke="#aeb7bd" stroke-width="1"></line>{}</svg>',
        width,
        height,
        width,
        height,
        width - 4,
        dots,
    )


@register.filter
def bar(count, total) -> str:
    """A horizontal bar for a count out of a total (decorative; the count is written beside it)."""
    share = 0 if not total else 100 * count / total
    return format_html(
        '<svg class="plaudit-bar" width="100" height="12" viewBox="0 0 100 12" aria-hidden="true" focusable="false">'
        '<rect x="0" y="0" width="100" height="12" fill="#e8edee"></rect>'
        '<rect x="0" y="0" width="{}" height="12" fill="#005eb8"></rect></svg>',
        f"{share:.1f}",
    )


@register.simple_tag
def leniency_bar(mean, sd, panel_mean) -> str:
    """The judge's mean (a dot) and one SD either side (a line) on 0–100, with the panel's mean as a tick.
    Decorative: the figures and the words beside it say the same."""
    if mean is None:
        return ""

    def x(value):
        return f"{4 + 152 * max(0.0, min(100.0, value)) / 100:.1f}"

    spread = sd or 0
    panel = (
        format_html(
            '<line x1="{}" y1="2" x2="{}" y2="14" stroke="#d5281b" stroke-width="2"></line>',
            x(panel_mean),
            x(panel_mean),
        )
        if panel_mean is not None
        else ""
    )
    return format_html(
        '<svg class="plaudit-strip" width="160" height="16" viewBox="0 0 160 16" aria-hidden="true" focusable="false">'
        '<line x1="4" y1="8" x2="156" y2="8" stroke="#e8edee" stroke-width="6"></line>'
        '<line x1="{}" y1="8" x2="{}" y2="8" stroke="#768692" stroke-width="2"></line>{}'
        '<circle cx="{}" cy="8" r="4" fill="#005eb8"></circle></svg>',
        x(mean - spread),
        x(mean + spread),
        panel,
        x(mean),
    )


@register.simple_tag
def leniency_words(mean, panel_mean, panel_sd) -> str:
    """'about the panel', 'harsher than the panel' or 'more generous than the panel', by half a panel SD."""
    if mean is None or panel_mean is None:
        return ""
    margin = (panel_sd or 0) / 2
    if mean < panel_mean - margin:
        return "harsher than the panel"
    if mean > panel_mean + margin:
        return "more generous than the panel"
    return "about the panel's level"
