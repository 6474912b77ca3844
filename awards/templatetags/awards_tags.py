import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

WHEN = "l j F Y, g:i a"


@register.simple_tag
def nomination_window(opens, closes, zone_name: str) -> str:
    """'Open now: closes …', 'Opens …' or 'Closed on …', in the programme's time zone."""
    zone = zoneinfo.ZoneInfo(zone_name)
    now = timezone.now()

    def local(moment):
        return format_date(moment.astimezone(zone), WHEN)

    if now < opens:
        text = f"Opens {local(opens)}, closes {local(closes)}"
    elif now < closes:
        text = f"Open now: closes {local(closes)}"
    else:
        text = f"Closed on {local(closes)}"
    return f"{text} ({zone_name} time)"
