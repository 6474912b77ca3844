from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from . import access
from .models import Status


def _programme_context(programme) -> dict:
    """The header carries the organiser's name on a programme's pages."""
    return {
        "programme": programme,
        "header_name": programme.organiser,
        "header_href": programme.get_absolute_url(),
        "contact_email": programme.contact_email,
    }


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    programmes = list(access.public_programmes().order_by("nominations_close", "name"))
    return render(
        request,
        "awards/home.html",
        {
            "open_programmes": [p for p in programmes if p.is_open(now)],
            "upcoming_programmes": [p for p in programmes if p.status == Status.PUBLISHED and now < p.nominations_open],
            "closed_programmes": [p for p in programmes if p.status == Status.CLOSED or p.nominations_close <= now],
        },
    )


def programme_detail(request: HttpRequest, programme_slug: str) -> HttpResponse:
    programme = get_object_or_404(access.public_programmes(), slug=programme_slug)
    awards = access.public_awards(programme).select_related("programme")
    context = _programme_context(programme) | {
        "awards": awards,
        "breadcrumbs": [("Awards", reverse("awards:home"))],
    }
    return render(request, "awards/programme.html", context)


def award_detail(request: HttpRequest, programme_slug: str, award_slug: str) -> HttpResponse:
    programme = get_object_or_404(access.public_programmes(), slug=programme_slug)
    award = get_object_or_404(access.award_with_questions(access.public_awards(programme)), slug=award_slug)
    # A conditional question names the question it depends on by its prompt, not its key.
    questions = [question for section in award.sections.all() for question in section.questions.all()]
    prompts = {question.key: question.prompt for question in questions}
    for question in questions:
        question.condition_prompt = prompts.get(question.show_if_key, "")
    context = _programme_context(programme) | {
        "award": award,
        "breadcrumbs": [("Awards", reverse("awards:home")), (programme.name, programme.get_absolute_url())],
    }
    return render(request, "awards/award.html", context)
