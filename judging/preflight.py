"""Judging's part of the pre-flight check before an award is published (awards.publishing):
warnings only, since judging can be set up after nominations open."""

from collections.abc import Iterator

from django.urls import reverse

from awards.publishing import WARN, Finding, check

from .models import Stage


@check
def _judging_checks(programme, awards, when) -> Iterator[Finding]:
    stages = (
        Stage.objects.filter(award__in=awards)
        .select_related("award__programme")
        .prefetch_related("members", "outcome_templates")
        .order_by("award", "position", "id")
    )
    by_award: dict[int, list[Stage]] = {}
    for stage in stages:
        by_award.setdefault(stage.award_id, []).append(stage)
    for award in awards:
        if not by_award.get(award.pk):
            yield Finding(
                WARN,
                "It has no judging stage yet.",
                award,
                reverse("admin:judging_stage_add") + f"?award={award.pk}",
            )
        for stage in by_award.get(award.pk, []):
            url = reverse("admin:judging_stage_change", args=[stage.pk])
            if stage.opens_before_nominations_close():
                yield Finding(
                    WARN,
                    f"Stage “{stage.name}” opens before nominations close: judges may start before every entry is in.",
                    award,
                    url,
                )
            if not any(member.role == member.Role.JUDGE for member in stage.members.all()):
                yield Finding(WARN, f"Stage “{stage.name}” has no panel yet.", award, url)
            if not stage.outcome_templates.all():
                yield Finding(
                    WARN,
                    f"Stage “{stage.name}” has no outcome emails written yet: Plaudit's standard wording would be sent.",
                    award,
                    url,
                )
