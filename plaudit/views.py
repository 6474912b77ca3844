from django.http import HttpResponse
from django.shortcuts import render

from .models import SitePage


def site_page(request, page: str):
    """The office's version of a site page if it has written one, else Plaudit's default wording."""
    written = SitePage.objects.filter(page=page).first()
    if written is not None:
        return render(request, "plaudit/site_page.html", {"page": written})
    return render(request, f"plaudit/{page}.html")


def health(request):
    """For load balancers (and the benchmark's ceiling): the process answers. Touches no database."""
    return HttpResponse("ok", content_type="text/plain")
