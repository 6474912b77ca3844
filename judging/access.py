"""What each person may see of judging, as querysets. Every judging view, export and PDF asks here.

A judge sees only the stages whose panel they sit on, and in them only the judged entries
(judging.entries) assigned to them that their declarations cover and that they are not
conflicted with (judging.conflicts). A chair sees their panels' judged entries, less any
they are conflicted with, blind where the stage is blind. The awards office sees every stage of its
programmes (superusers: every programme); an office viewer reads them, and only a programme
manager changes anything (`write=True`: the views pass it for anything but reading).
Anything else is a 404 in the views, never a 403, so that existence does not leak.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404

from awards.access import is_office_for, managed_programmes, office_programmes
from plaudit.roles import is_office

from .conflicts import conflicted_q, declared_q
from .entries import Blindness, blind_for, judgeable, judgeable_q, nominations_of, undecided
from .models import Assignment, Conflict, Entry, PanelMember, Score, Scorecard, ShortlistPack, Stage


def writes(request) -> bool:
    """Whether a request changes something (anything but reading): office viewers may not."""
    return request.method not in ("GET", "HEAD", "OPTIONS")


def _office_q(user, *, write: bool) -> Q:
    """The stages of the programmes the person is the awards office of (to change: manages)."""
    programmes = managed_programmes(user) if write else office_programmes(user)
    return Q(award__programme__in=programmes.values("pk"))


def stages_for(user) -> QuerySet[Stage]:
    if not user.is_authenticated:
        return Stage.objects.none()
    if is_office(user):
        return Stage.objects.all()
    return Stage.objects.filter(Q(members__user=user) | _office_q(user, write=False)).distinct()


def chaired_stages(user, *, write: bool = False) -> QuerySet[Stage]:
    """The stages a person chairs, and those of the programmes they are the office of."""
    if not user.is_authenticated:
        return Stage.objects.none()
    if is_office(user):
        return Stage.objects.all()
    chairs = Q(pk__in=PanelMember.objects.filter(user=user, role=PanelMember.Role.CHAIR).values("stage"))
    return Stage.objects.filter(chairs | _office_q(user, write=write))


def chaired_stage_or_404(user, stage_id: int, *, write: bool = False) -> Stage:
    """A stage the person chairs (or is the office of), or 404: the chair's and the results pages
    start here. `write`: the request changes something, which an office viewer may not."""
    stage = (
        chaired_stages(user, write=write)
        .select_related("award__programme")
        # Whether the person is also the stage's awards office (the chair's pages link to the
        # office's own pages then), read with the stage rather than asked again by each page.
        .annotate(
            office_reads=Value(True)
            if is_office(user)
            else Exists(office_programmes(user).filter(pk=OuterRef("award__programme")))
        )
        .filter(pk=stage_id)
        .first()
    )
    if stage is None:
        raise Http404("No such stage")
    return stage


def feedback_stages(user, *, write: bool = False) -> QuerySet[Stage]:
    """Stages whose judges' comments the user may approve to go to nominators: the awards office
    of the programme only, since it speaks to nominators for the programme; a chair does not."""
    if is_office(user):
        return Stage.objects.all()
    if not user.is_authenticated:
        return Stage.objects.none()
    return Stage.objects.filter(_office_q(user, write=write))


def blindness(user, stage: Stage) -> Blindness:
    """Which of the stage's entries the person sees by reference only (who is nominated, and by
    whom, left out) in its chair pages, exports and packs: none where the stage is not blind, or
    for its awards office; every one in a blind stage the office has not unblinded; and once it
    has, each entry the stage judges that has no applied decision yet. Blindness is decided per
    entry, not by the moment of unblinding: an entry brought in afterwards stays blind to the
    chairs until it too is decided."""
    if not stage.blind or is_office_for(user, stage.award.programme_id):
        return False
    if stage.unblinded_at is None:
        return True
    return frozenset(undecided(stage).values_list("pk", flat=True)) or False


def sees_identities(user, stage: Stage) -> bool:
    """Whether the person sees who is nominated for every entry of the stage (see blindness)."""
    return blindness(user, stage) is False


def sees_identity(user, stage: Stage, entry) -> bool:
    """Whether the person sees who is nominated for this entry of the stage (see blindness)."""
    return not blind_for(blindness(user, stage), entry)


def entries_for_judge(user, stage: Stage) -> QuerySet[Entry]:
    """The entries a judge may open in a stage: judged, on its panel, assigned, covered by their
    declarations, and free of their conflicts. Shaped by the judge's and the stage's ids only
    (judges_entry narrows it to one entry)."""
    if not user.is_authenticated:
        return Entry.objects.none()
    on_panel = PanelMember.objects.filter(stage=stage, user=user, role=PanelMember.Role.JUDGE)
    assigned = Assignment.objects.filter(entry=OuterRef("pk"), judge=user)
    return (
        judgeable(Entry.objects.filter(stage=stage))
        .filter(Exists(on_panel))
        .filter(Exists(assigned))
        .filter(declared_q(user))
        .exclude(conflicted_q(user))
    )


def _judges_entry(judge_id: int, stage_id: int, entry_id: int) -> QuerySet[Entry]:
    # No order: one row at most, and the default order joins the stage's award and programme.
    return (
        entries_for_judge(get_user_model()(pk=judge_id), Stage(pk=stage_id))
        .filter(pk=entry_id)
        .select_related("nomination")
        .order_by()
    )


def _for_user(build, user, *ids) -> list:
    """What one of a judge's one-row rules (seat, entry, scorecard, scores) finds for this user
    and these ids; nothing for someone signed out."""
    if not user.is_authenticated:
        return []
    return list(build(user.pk, *(int(pk) for pk in ids)))


def _for_judge(build, user, stage: Stage, entry_id: int) -> list:
    """What the judge's access rule, narrowed to one entry, finds for this judge, stage and entry id."""
    return _for_user(build, user, stage.pk, entry_id)


def judges_entry(user, stage: Stage, entry_id: int) -> Entry | None:
    """The entry with this id (with its nomination) if the judge may open it (entries_for_judge),
    else None: for the request every judge at work makes every few seconds (the autosave). Its
    query is entries_for_judge's own, narrowed to the one entry."""
    found = _for_judge(_judges_entry, user, stage, entry_id)
    if not found:
        return None
    found[0].stage = stage
    return found[0]


def _judges_scorecards(judge_id: int, stage_id: int, entry_id: int) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(
        judge_id=judge_id, entry__in=_judges_entry(judge_id, stage_id, entry_id).values("pk")
    ).order_by()


def _judges_scorecard(judge_id: int, stage_id: int, entry_id: int) -> QuerySet[Scorecard]:
    return (
        _judges_scorecards(judge_id, stage_id, entry_id)
        .select_for_update(of=("self",))
        .select_related("entry__nomination")
    )


def judges_scorecard(user, stage: Stage, entry_id: int) -> Scorecard | None:
    """The judge's scorecard for the entry with this id, locked (inside a transaction), with its
    entry and nomination, if they have one and may open the entry (entries_for_judge), else None:
    an autosave's one read once the judge has saved before."""
    found = _for_judge(_judges_scorecard, user, stage, entry_id)
    if not found:
        return None
    found[0].entry.stage = stage
    return found[0]


def _judges_scores(judge_id: int, stage_id: int, entry_id: int) -> QuerySet[Score]:
    # The scorecard as a value (a judge has one per entry: one_scorecard_per_judge_and_entry),
    # not `scorecard__in`: PostgreSQL flattened that into a join planned after the joins that
    # fetch the scorecard, entry and nomination, and so joined every score of the database
    # (1.5 s for 876,000 scores) before keeping the judge's; as a value it is worked out once
    # and the scores read by their index (0.3 ms).
    return (
        Score.objects.select_for_update(of=("scorecard",))
        .filter(scorecard_id=Subquery(_judges_scorecards(judge_id, stage_id, entry_id).values("pk")[:1]))
        .select_related("scorecard__entry__nomination")
        .order_by()
    )


def judges_scores(user, stage: Stage, entry_id: int) -> list[Score]:
    """The scores on the judge's scorecard for the entry with this id, the scorecard locked
    (inside a transaction) and shared by them all, with its entry and nomination, if the judge
    may open the entry (entries_for_judge); none otherwise, or if it has no scores yet. An
    autosave's one read once the judge has scored before."""
    scores = _for_judge(_judges_scores, user, stage, entry_id)
    if scores:
        scorecard = scores[0].scorecard
        scorecard.entry.stage = stage
        for score in scores:
            score.scorecard = scorecard
    return scores


def _chair_scope(user, stage: Stage) -> QuerySet[Entry]:
    if not chaired_stages(user).filter(pk=stage.pk).exists():
        return Entry.objects.none()
    return Entry.objects.filter(stage=stage).exclude(conflicted_q(user))


def entries_for_chair(user, stage: Stage) -> QuerySet[Entry]:
    """A chair (or the office) sees the stage's judged entries, except those they are conflicted with."""
    return judgeable(_chair_scope(user, stage))


def left_judging_for_chair(user, stage: Stage) -> QuerySet[Entry]:
    """The stage's entries that are no longer judged (withdrawn, declined, ruled out, merged), for the
    chair's separate list, except those they are conflicted with. judging.entries.excluded says why."""
    return _chair_scope(user, stage).exclude(judgeable_q())


def pack_for(user, stage: Stage, pack_id: int, *, done: bool = False) -> ShortlistPack | None:
    """A shortlist pack, checked against the person asking for it now, not whoever built it: every
    entry it shows must be one they may see today, and a pack naming nominees goes only to someone
    who may see names. None otherwise (the views answer 404)."""
    packs = ShortlistPack.objects.filter(stage=stage, pk=pack_id)
    if done:
        packs = packs.filter(status=ShortlistPack.Status.DONE)
    pack = packs.first()
    if pack is None or not chaired_stages(user).filter(pk=stage.pk).exists():
        return None
    hidden = False if pack.blind else blindness(user, stage)
    if hidden is True or (hidden and set(pack.entry_ids or ()) & hidden):
        return None  # it names nominees this person may not see named
    if pack.status == ShortlistPack.Status.WITHDRAWN:
        return pack  # its page says only that it was withdrawn, and offers to build it again
    if pack.entry_ids is None or pack.nomination_ids is None:
        # Not built yet (its progress shows nothing of any entry), or built before packs said what they hold.
        return None if pack.status == ShortlistPack.Status.DONE else pack
    visible = list(entries_for_chair(user, stage).filter(pk__in=pack.entry_ids))
    if not set(pack.entry_ids) <= {entry.pk for entry in visible}:
        return None
    # Every nomination it holds, as it is now: still shown by its entry (not withdrawn, declined,
    # removed or taken out of the dossier), and not one the person is conflicted with.
    shown = {nomination.pk for held in nominations_of(visible).values() for nomination in held}
    if not set(pack.nomination_ids) <= shown:
        return None
    if Conflict.objects.filter(
        judge=user, nomination_id__in=pack.nomination_ids, status=Conflict.Status.CONFIRMED
    ).exists():
        return None
    return pack


def seats_for(user) -> QuerySet[PanelMember]:
    """The panel seats a person holds, for their list of panels."""
    if not user.is_authenticated:
        return PanelMember.objects.none()
    return PanelMember.objects.filter(user=user).select_related("stage__award__programme", "group")


def _judge_seat(user_id: int, stage_id: int) -> QuerySet[PanelMember]:
    # One seat per stage at most (one_seat_per_stage), so no order: the default one joins the user.
    return seats_for(get_user_model()(pk=user_id)).filter(stage_id=stage_id, role=PanelMember.Role.JUDGE).order_by()


def judge_seat(user, stage_id: int) -> PanelMember | None:
    """The user's judge seat on a stage (with the stage, award and programme), or None (the views
    answer 404). Every judging request starts here."""
    found = _for_user(_judge_seat, user, stage_id)
    return found[0] if found else None
