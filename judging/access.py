"""What each person may see of judging, as querysets. Every judging view, export and PDF asks here.

A judge sees only the stages whose panel they sit on, and in them only the entries
assigned to them that hold no nomination they have a confirmed conflict with. A chair
sees their panels' stages whole; an admin (superuser) sees everything. Anything else is
a 404 in the views, never a 403, so that existence does not leak.
"""

from django.db.models import Exists, OuterRef, QuerySet

from .models import Assignment, Conflict, ConflictDeclaration, Entry, PanelMember, Stage


def stages_for(user) -> QuerySet[Stage]:
    if not user.is_authenticated:
        return Stage.objects.none()
    if user.is_superuser:
        return Stage.objects.all()
    return Stage.objects.filter(members__user=user).distinct()


def chaired_stages(user) -> QuerySet[Stage]:
    if not user.is_authenticated:
        return Stage.objects.none()
    if user.is_superuser:
        return Stage.objects.all()
    return Stage.objects.filter(members__user=user, members__role=PanelMember.Role.CHAIR).distinct()


def feedback_stages(user) -> QuerySet[Stage]:
    """Stages whose judges' comments the user may approve to go to nominators: the awards office
    (admins) only, since it speaks to nominators for the programme; a chair does not."""
    if not (user.is_authenticated and user.is_superuser):
        return Stage.objects.none()
    return Stage.objects.all()


def _conflicted(user):
    """Entries holding a nomination the user has a confirmed conflict with (directly or in a dossier)."""
    confirmed = Conflict.objects.filter(judge=user, status=Conflict.Status.CONFIRMED)
    return Exists(confirmed.filter(nomination=OuterRef("nomination"))) | Exists(
        confirmed.filter(nomination__dossier=OuterRef("dossier"), nomination__dossier__isnull=False)
    )


def has_declared(user, stage: Stage) -> bool:
    return user.is_authenticated and ConflictDeclaration.objects.filter(stage=stage, judge=user).exists()


def entries_for_judge(user, stage: Stage) -> QuerySet[Entry]:
    """The entries a judge may open in a stage: on its panel, conflicts declared, assigned, and
    free of the judge's conflicts."""
    if not user.is_authenticated:
        return Entry.objects.none()
    on_panel = PanelMember.objects.filter(stage=stage, user=user, role=PanelMember.Role.JUDGE)
    declared = ConflictDeclaration.objects.filter(stage=stage, judge=user)
    assigned = Assignment.objects.filter(entry=OuterRef("pk"), judge=user)
    return (
        Entry.objects.filter(stage=stage)
        .filter(Exists(on_panel))
        .filter(Exists(declared))
        .filter(Exists(assigned))
        .exclude(_conflicted(user))
    )


def entries_for_chair(user, stage: Stage) -> QuerySet[Entry]:
    """A chair sees the stage's entries, except those they are conflicted with themselves."""
    if not chaired_stages(user).filter(pk=stage.pk).exists():
        return Entry.objects.none()
    if user.is_superuser:
        return Entry.objects.filter(stage=stage)
    return Entry.objects.filter(stage=stage).exclude(_conflicted(user))


def seats_for(user) -> QuerySet[PanelMember]:
    """The panel seats a person holds, for their list of panels."""
    if not user.is_authenticated:
        return PanelMember.objects.none()
    return PanelMember.objects.filter(user=user).select_related("stage__award__programme", "group")


def judge_seat(user, stage_id: int) -> PanelMember | None:
    """The user's judge seat on a stage, or None (the views answer 404)."""
    return seats_for(user).filter(stage_id=stage_id, role=PanelMember.Role.JUDGE).first()
