from django.conf import settings

from .roles import is_office


def site(request):
    """Defaults for the header and footer; pages about one programme override them. `is_office`
    lets a page offer the office's own links (plaudit.roles says who the office is)."""
    return {
        "header_name": getattr(settings, "PLAUDIT_SITE_NAME", "Plaudit awards"),
        "contact_email": getattr(settings, "PLAUDIT_CONTACT_EMAIL", ""),
        "is_office": is_office(getattr(request, "user", None)) if hasattr(request, "user") else False,
    }
