"""Judging's part of carrying an award to next year (awards.copying): its stages with their
settings and dates, judge groups with their shares, the office's outcome emails, and the panel's
seats only when asked. Never entries, scorecards, conflicts, decisions or packs."""

from awards.copying import CopyOptions, clone, copier

from .models import OutcomeTemplate, PanelMember


@copier
def _copy_stages(old, award, options: CopyOptions) -> None:
    for stage in old.stages.order_by("position", "id"):
        new = clone(
            stage,
            exclude=("unblinded_at", "unblinded_by"),
            award_id=award.pk,
            opens_at=options.shift(stage.opens_at),
            closes_at=options.shift(stage.closes_at),
        )
        new.save()
        groups = {}
        for group in stage.groups.all():
            groups[group.pk] = clone(group, stage_id=new.pk)
            groups[group.pk].save()
        OutcomeTemplate.objects.bulk_create(
            clone(template, stage_id=new.pk) for template in stage.outcome_templates.all()
        )
        if options.with_panels:
            PanelMember.objects.bulk_create(
                clone(
                    member,
                    exclude=("reminded_at",),
                    stage_id=new.pk,
                    group_id=groups[member.group_id].pk if member.group_id else None,
                )
                for member in stage.members.all()
            )
