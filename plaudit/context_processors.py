from django.conf import settings


def site(request):
    """Defaults for the header and footer; pages about one programme override them."""
    return {
        "header_name": getattr(settings, "PLAUDIT_SITE_NAME", "Plaudit awards"),
        "contact_email": getattr(settings, "PLAUDIT_CONTACT_EMAIL", ""),
    }
