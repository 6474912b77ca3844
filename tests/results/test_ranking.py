"""Results: the ranking as each viewer may see it, decisions and promotion, outcome emails,
exports (columns, decimals, neutralised formulas), the shortlist pack and export_results."""

import csv
import io
import statistics
from collections import defaultdict

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from judging import scoring
from judging.models import Assignment, Decision, DecisionLog, Entry, OutcomeEmail, Stage
from results import decisions, exports, ranking, shortlist
from tests.factories import AwardFactory, NominationFactory, UserFactory
from tests.panels import NOMINEES, submit


def refs(stage_results):
    return [row.entry.reference for row in stage_results.rows]


def test_the_ranking_orders_entries_and_leaves_out_the_viewers_conflicts(scored):
    e = scored.entries
    everyone = ranking.stage_results(scored.stage, scored.people["root"])
    assert refs(everyone) == [e[0].reference, e[1].reference, e[2].reference]
    top = everyone.rows[0].result
    assert top.score == pytest.approx(100 * (5 / 5 + 4 / 5) / 2) and top.n == 1
    # A chair conflicted with Grace Hopper's entry finds it in no ranking, count or explanation.
    from judging.models import Conflict, PanelMember

    PanelMember.objects.filter(user=scored.people["chidi"]).update(role="chair")
    Conflict.objects.create(judge=scored.people["chidi"], nomination=e[0].nomination)
    chair = ranking.stage_results(scored.stage, scored.people["chidi"])
    assert refs(chair) == [e[1].reference, e[2].reference]
    assert chair.rows[0].result.rank == 1
    assert ranking.explain(chair, e[0].pk) is None


def test_leniency_reads_each_judges_counted_totals_of_the_entries_the_viewer_sees(scored):
    """The leniency table (each judge's cards, mean and spread, and the panel's) is worked out
    from the totals the ranking counted; for a chair conflicted with an entry, that entry's
    scorecards are in no judge's figures."""
    from judging.models import Conflict, PanelMember

    e = scored.entries
    PanelMember.objects.filter(user=scored.people["chidi"]).update(role="chair")
    Conflict.objects.create(judge=scored.people["chidi"], nomination=e[0].nomination)
    for viewer in (scored.people["root"], scored.people["chidi"]):
        results = ranking.stage_results(scored.stage, viewer, cached=False)
        by_judge = defaultdict(list)
        for row in results.rows:
            for judge, total in row.result.totals.items():
                by_judge[judge].append(total)
        table, panel_mean, panel_sd = results.leniency()
        assert sorted((r.name, r.cards, r.mean, r.sd) for r in table) == sorted(
            (results.judge(judge)[0], len(totals), statistics.fmean(totals), scoring.sample_sd(totals))
            for judge, totals in by_judge.items()
        )
        every = [total for totals in by_judge.values() for total in totals]
        assert (panel_mean, panel_sd) == (statistics.fmean(every), scoring.sample_sd(every))
    assert sum(r.cards for r in table) < sum(
        r.cards for r in ranking.stage_results(scored.stage, scored.people["root"]).leniency()[0]
    )


def test_the_ranking_page_explains_switches_and_is_404_for_a_conflicted_entry(client, scored):
    from judging.models import Conflict

    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk])
    page = client.get(url).content.decode()
    assert "Ordered by the <strong>raw score</strong>" in page and "Krippendorff" in page
    assert "Agreement on each criterion" not in page and "Show the agreement on each criterion" in page
    assert "Agreement on each criterion" in client.get(url + "?agreement=criteria").content.decode()
    assert "Grace Hopper" in page
    page = client.get(url + "?order=normalised").content.decode()
    assert "Ordered by the <strong>normalised score</strong>" in page
    explain = client.get(reverse("judging:explain", args=[scored.stage.pk, scored.entries[1].pk])).content.decode()
    assert "Bob Judge" in explain and "Alice Judge" in explain and "A humane entry" in explain
    Conflict.objects.create(judge=scored.people["chidi"], nomination=scored.entries[1].nomination)
    assert client.get(reverse("judging:explain", args=[scored.stage.pk, scored.entries[1].pk])).status_code == 404
    assert "Alan Turing" not in client.get(url).content.decode()


def test_a_judge_who_left_the_panel_is_named_as_the_assignments_pages_name_them(client, scored):
    from judging.models import PanelMember

    PanelMember.objects.filter(user=scored.people["alice"], stage=scored.stage).delete()
    client.force_login(scored.people["chidi"])
    explain = client.get(reverse("judging:explain", args=[scored.stage.pk, scored.entries[1].pk])).content.decode()
    # Her scorecard is still counted and shown, under the one name for a judge who has left.
    assert "A judge no longer on the panel" in explain and "Alice Judge" not in explain
    assert "A humane entry" in explain


def test_a_blind_stage_ranking_names_no_one(client, scored):
    scored.stage.blind = True
    scored.stage.save()
    client.force_login(scored.people["chidi"])
    page = client.get(reverse("judging:ranking", args=[scored.stage.pk])).content.decode()
    for name in NOMINEES:
        assert name not in page


def test_decisions_are_pending_then_applied_promoting_into_the_next_stage(scored):
    stage, chair, now = scored.stage, scored.people["chidi"], timezone.now()
    e = scored.entries
    with pytest.raises(decisions.DecisionRefused, match="no later stage"):
        decisions.decisions_record(stage=stage, entries=e[:1], outcome="promoted", reason="", by=chair, now=now)
    final = Stage.objects.create(award=stage.award, name="Final", position=1, entries_from="promoted")
    decisions.decisions_record(stage=stage, entries=e[:2], outcome="promoted", reason="Strongest", by=chair, now=now)
    decisions.decisions_record(
        stage=stage, entries=e[1:2], outcome="shortlisted", reason="Better fit", by=chair, now=now
    )
    assert not final.entries.exists()  # pending: nothing happens yet
    applied, promoted = decisions.decisions_apply(stage=stage, entries=e, by=chair, now=now)
    assert (applied, promoted) == (2, 1)
    assert list(final.entries.values_list("nomination_id", flat=True)) == [e[0].nomination_id]
    with pytest.raises(decisions.DecisionRefused, match="applied"):
        decisions.decisions_record(stage=stage, entries=e[:1], outcome="winner", reason="", by=chair, now=now)
    log = list(DecisionLog.objects.filter(entry=e[1]).values_list("action", "outcome", "previous"))
    assert log == [("recorded", "promoted", ""), ("changed", "shortlisted", "promoted"), ("applied", "shortlisted", "")]


def test_deciding_in_bulk_from_the_ranking_page(client, scored):
    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk])
    page = client.post(url, {"entries": [scored.entries[0].pk], "action": "record", "reason": "kept"})
    assert "Choose an outcome for the ticked entries" in page.content.decode()
    assert f'value="{scored.entries[0].pk}" checked' in page.content.decode()  # the ticks are kept
    page = client.post(url, {"action": "record", "outcome": "shortlisted"})
    assert "Tick at least one entry" in page.content.decode()
    ids = [entry.pk for entry in scored.entries[:2]]
    client.post(url, {"entries": ids, "action": "record", "outcome": "shortlisted", "reason": "Top two"})
    assert Decision.objects.filter(status="pending").count() == 2
    client.post(url, {"entries": ids, "action": "apply"})
    assert Decision.objects.filter(status="applied").count() == 2
    page = client.post(url, {"entries": [scored.other_entry.pk], "action": "clear"})
    assert "Tick only entries in the ranking" in page.content.decode()


def test_outcome_emails_go_once_with_approved_feedback_and_no_judge_names(
    client, scored, django_capture_on_commit_callbacks
):
    from judging.models import Score, Scorecard

    stage, chair, now = scored.stage, scored.people["chidi"], timezone.now()
    e = scored.entries
    decisions.decisions_record(stage=stage, entries=e[:1], outcome="shortlisted", reason="", by=chair, now=now)
    decisions.decisions_apply(stage=stage, entries=e, by=chair, now=now)
    Score.objects.filter(scorecard__entry=e[0], criterion__key="impact").update(feedback_approved=True)
    Scorecard.objects.filter(entry=e[0]).update(overall_comment="Bob thinks so", feedback_approved=False)
    template = decisions.outcome_template(stage, "shortlisted")
    template.include_feedback = True
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        queued, skipped = decisions.outcome_emails_queue(
            stage=stage, outcome="shortlisted", entries=stage.entries.all(), by=chair, now=now
        )
    assert (queued, skipped) == (1, 0)
    message = mail.outbox[0]
    assert message.to == [e[0].nomination.nominator_email]
    assert "Grace Hopper" in message.body and "has been shortlisted" in message.body
    assert "Impact: Remarkable listening" in message.body
    assert "Bob" not in message.body and "Judge" not in message.body
    assert OutcomeEmail.objects.get().status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.outcome_emails_queue(
            stage=stage, outcome="shortlisted", entries=stage.entries.all(), by=chair, now=now
        ) == (0, 1)
    assert len(mail.outbox) == 1


def test_queueing_outcome_emails_reads_the_same_whatever_the_batch(scored, django_capture_on_commit_callbacks):
    """Reads are fixed for a batch of any size (writes are one per email): a "not progressed"
    batch can be hundreds of nominators."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from judging.models import Score

    stage, chair, now = scored.stage, scored.people["chidi"], timezone.now()
    e = scored.entries
    decisions.decisions_record(stage=stage, entries=e, outcome="not_progressed", reason="", by=chair, now=now)
    decisions.decisions_apply(stage=stage, entries=e, by=chair, now=now)
    Score.objects.filter(scorecard__entry__in=e, criterion__key="impact").update(
        comment="Kind and clear", feedback_approved=True
    )
    Score.objects.filter(scorecard__entry=e[0]).update(feedback_approved=False)
    template = decisions.outcome_template(stage, "not_progressed")
    template.include_feedback = True
    template.save()

    def reads(entries):
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            decisions.outcome_emails_queue(stage=stage, outcome="not_progressed", entries=entries, by=chair, now=now)
        return sum(1 for q in captured if q["sql"].startswith("SELECT"))

    one = reads(e[1:2])
    assert reads([e[0], e[2]]) == one  # another entry: no more reads
    assert OutcomeEmail.objects.filter(outcome="not_progressed").count() == 3
    bodies = dict(OutcomeEmail.objects.values_list("nomination_id", "body"))
    assert "Impact: Kind and clear" in bodies[e[1].nomination_id]
    assert "Kind and clear" not in bodies[e[0].nomination_id]


def test_outcome_templates_refuse_unknown_placeholders(client, scored):
    client.force_login(scored.people["chidi"])
    url = reverse("judging:outcomes", args=[scored.stage.pk]) + "?outcome=winner"
    page = client.post(url, {"outcome": "winner", "subject": "You won {awrd}", "body": "Dear {nominator}"})
    assert "Use only the placeholders listed: not {awrd}" in page.content.decode()
    assert 'value="You won {awrd}"' in page.content.decode()  # what was typed is kept


def _csv(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_ranking_export_has_the_promised_columns_and_two_decimals(scored):
    from nominations.models import Nomination

    Nomination.objects.filter(pk=scored.entries[0].nomination_id).update(nominee_name='=HYPERLINK("http://x")')
    stage_results = ranking.stage_results(scored.stage, scored.people["root"])
    content, _, _ = exports.export(stage_results, "ranking", "csv")
    rows = _csv(content)
    assert rows[0] == exports.RANKING_COLUMNS
    assert rows[1][0] == "1" and rows[1][3] == "90.00" and rows[1][2].startswith("'=")
    blind = ranking.stage_results(scored.stage, scored.people["root"], blind=True)
    rows = _csv(exports.export(blind, "ranking", "csv")[0])
    assert {row[2] for row in rows[1:]} == {""}


def test_the_scores_export_has_a_row_per_scorecard_and_a_column_per_criterion(scored):
    stage_results = ranking.stage_results(scored.stage, scored.people["root"])
    rows = _csv(exports.export(stage_results, "scores", "csv")[0])
    titles = [c.title for c in stage_results.criteria]
    assert rows[0][:5] == exports.SCORE_COLUMNS and len(rows[0]) == 5 + 2 * len(titles)
    assert rows[0][5].startswith(f"{titles[0]} (weight ") and rows[0][6] == f"{titles[0]}: comment"
    assert len(rows) == 1 + 5  # the five submitted scorecards
    reach = rows[0].index(next(h for h in rows[0] if h.startswith("Reach (weight")))
    assert [row[reach] for row in rows[1:]].count("N/A") == 1  # bob marked reach N/A on Ada Byron's entry
    assert all(row[reach] for row in rows[1:])  # every other card has a value there
    workbook = load_workbook(io.BytesIO(exports.export(stage_results, "scores", "xlsx")[0]))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.max_row == 1 + 5


def test_the_scores_export_reads_its_rows_in_queries_that_do_not_grow_with_the_scorecards(scored, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from judging.models import PanelMember
    from tests.factories import UserFactory
    from tests.panels import submit

    monkeypatch.setattr(exports, "READ_CHUNK", 2)  # many chunks of a few scorecards
    stage_results = ranking.stage_results(scored.stage, scored.people["root"])
    with CaptureQueriesContext(connection) as few:
        exports.export(stage_results, "scores", "csv")
    more = 0
    for n in range(4):
        judge = UserFactory(username=f"extra{n}")
        PanelMember.objects.create(stage=scored.stage, user=judge)
        for entry in scored.entries:
            submit(entry, judge, {"impact": n + 1, "reach": 2})
            more += 1
    stage_results = ranking.stage_results(scored.stage, scored.people["root"])
    with CaptureQueriesContext(connection) as many:
        rows = _csv(exports.export(stage_results, "scores", "csv")[0])
    assert len(many) == len(few)
    assert len(rows) == 1 + 5 + more


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_shortlist_pdf_lists_entries_in_rank_order_with_their_scores(scored):
    stage_results = ranking.stage_results(scored.stage, scored.people["root"])
    text = pdf_text(shortlist.shortlist_pdf(stage_results))
    positions = [text.index(f"{entry.reference}") for entry in scored.entries]
    assert positions == sorted(positions)
    assert "90.00" in text and "Remarkable listening" in text and "Ordered by: raw score" in text
    reader = PdfReader(io.BytesIO(shortlist.shortlist_pdf(stage_results)))
    # The outline: the cover's heading, and under it the ranking and each entry (headings become bookmarks).
    assert reader.outline[0].title == "Shortlist: Kindest Colleague"
    children = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    assert children[:2] == ["The ranking", f"1. {scored.entries[0].reference}: Grace Hopper"]


def test_with_a_selection_the_packs_ranking_table_lists_the_selection_and_says_how_many_it_leaves_out(scored):
    """Its cost follows the selection, not the field: 50 selected of 20,000 is not 400 pages of table."""
    chosen = scored.entries[1]
    decisions.decisions_record(
        stage=scored.stage,
        entries=[chosen],
        outcome="shortlisted",
        reason="",
        by=scored.people["chidi"],
        now=timezone.now(),
    )
    results = ranking.stage_results(scored.stage, scored.people["root"])
    html = shortlist.shortlist_html(results)
    table = html[html.index("<h2>The ranking</h2>") : html.index("</table>", html.index("<h2>The ranking</h2>"))]
    assert chosen.reference in table
    assert all(entry.reference not in table for entry in scored.entries if entry != chosen)
    assert "The other 2 entries are not listed here" in table
    assert "1 selected by the chair, listed in the ranking below and shown in full" in html


def test_the_blind_shortlist_holds_no_identifying_text(scored):
    stage_results = ranking.stage_results(scored.stage, scored.people["root"], blind=True)
    text = pdf_text(shortlist.shortlist_pdf(stage_results))
    for name in NOMINEES:
        assert name not in text.replace(f"{name} listened", "")
        assert f"{name.split()[0]}'s ward team" not in text
    assert "Northfield Hospital" not in text


@pytest.mark.parametrize(
    "payload",
    [
        '<img src="file:///etc/passwd">',
        '<img src="https://evil.example/x.png">',
        '<div style="background: url(https://evil.example/y.png)">x</div>',
        '<link rel="attachment" href="file:///etc/passwd">',
    ],
)
def test_hostile_answers_make_the_pdf_fetch_nothing(scored, payload, monkeypatch):
    from nominations.models import Answer
    from plaudit import pdf

    fetched = []
    original = pdf.StaticOnlyFetcher.fetch
    monkeypatch.setattr(
        pdf.StaticOnlyFetcher,
        "fetch",
        lambda self, url, headers=None: fetched.append(url) or original(self, url, headers),
    )
    Answer.objects.filter(question__key="story").update(value=payload)
    content = shortlist.shortlist_pdf(ranking.stage_results(scored.stage, scored.people["root"]))
    assert fetched == []  # escaped: nothing even asked to be fetched
    assert b"/EmbeddedFile" not in content and b"/FileAttachment" not in content
    assert payload.split()[0] in pdf_text(content)


def test_the_pack_is_built_in_the_background_and_only_chairs_of_the_award_download_it(client, scored):
    client.force_login(scored.people["chidi"])
    response = client.post(reverse("judging:shortlist_request", args=[scored.stage.pk]), {"order": "normalised"})
    status_page = response["Location"]
    pack_status = client.get(status_page + "?format=json").json()
    assert pack_status["status"] == "done" and pack_status["download"]
    assert client.get(status_page).status_code == 200
    download = client.get(pack_status["download"])
    assert download["Content-Type"] == "application/pdf" and "Ordered by: normalised score" in pdf_text(
        b"".join(download.streaming_content)
    )
    client.force_login(scored.people["dana"])  # chair of another award
    assert client.get(pack_status["download"]).status_code == 404


def test_export_results_writes_each_kind(scored, tmp_path):
    for what, fmt in (("ranking", "csv"), ("scores", "xlsx"), ("shortlist", "pdf")):
        target = tmp_path / f"out.{fmt}"
        call_command(
            "export_results",
            scored.stage.award.slug,
            stage="Shortlisting",
            what=what,
            fmt=fmt,
            output=str(target),
            normalised=True,
            blind=True,
            stdout=io.StringIO(),
        )
        assert target.stat().st_size > 0
    rows = _csv((tmp_path / "out.csv").read_bytes())
    assert rows[0] == exports.RANKING_COLUMNS and {row[2] for row in rows[1:]} == {""}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No stage"):
        call_command("export_results", "nope", stage="x", what="ranking", fmt="csv", output=str(target))
    with pytest.raises(CommandError, match="shortlist is a PDF"):
        call_command(
            "export_results",
            scored.stage.award.slug,
            stage="Shortlisting",
            what="ranking",
            fmt="pdf",
            output=str(target),
        )


@pytest.mark.parametrize("name", ["ranking", "export"])
def test_results_pages_do_not_grow_in_queries(client, scored, name, django_assert_max_num_queries):
    from tests.factories import NominationFactory

    for index in range(40):
        entry = Entry.objects.create(
            stage=scored.stage, nomination=NominationFactory(award=scored.stage.award, status="submitted")
        )
        submit(entry, scored.people["bob"], {"impact": index % 6, "reach": 2})
    client.force_login(scored.people["chidi"])
    url = (
        reverse("judging:ranking", args=[scored.stage.pk])
        if name == "ranking"
        else reverse("judging:export", args=[scored.stage.pk, "scores", "csv"])
    )
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("method, expected", [("approval", [2, 1, 0]), ("ranked", [4, 1, 1])])
def test_voting_stages_rank_by_approvals_or_borda_points(scored, method, expected):
    from judging import ballots

    stage, e = scored.stage, scored.entries
    stage.mode, stage.voting, stage.approvals_allowed = "voting", method, 2
    stage.save()
    now = timezone.now()
    if method == "approval":
        ballots.ballot_save(
            stage=stage,
            judge=scored.people["bob"],
            choices={e[0].pk: None, e[1].pk: None},
            version=0,
            now=now,
            submit=True,
        )
        ballots.ballot_save(
            stage=stage, judge=scored.people["alice"], choices={e[1].pk: None}, version=0, now=now, submit=True
        )
        order = [e[1], e[0], e[2]]
    else:
        ballots.ballot_save(
            stage=stage, judge=scored.people["bob"], choices={e[2].pk: 1, e[0].pk: 2}, version=0, now=now, submit=True
        )
        ballots.ballot_save(
            stage=stage, judge=scored.people["alice"], choices={e[2].pk: 1, e[1].pk: 2}, version=0, now=now, submit=True
        )
        order = [e[2], e[0], e[1]]  # e0 and e1 tie on 1 point each; the reference breaks the tie in the list
    stage_results = ranking.stage_results(stage, scored.people["root"])
    assert [row.entry.pk for row in stage_results.rows] == [entry.pk for entry in order]
    assert [int(row.result.score) for row in stage_results.rows] == expected
    assert (stage_results.rows[1].result.tie, stage_results.rows[0].result.tie) == (method == "ranked", False)


def test_a_pack_whose_worker_died_is_marked_failed_and_can_be_asked_for_again(client, scored):
    import datetime as dt

    from judging.models import ShortlistPack

    long_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = ShortlistPack.objects.create(stage=scored.stage, requested_by=scored.people["chidi"], status="running")
    ShortlistPack.objects.filter(pk=stuck.pk).update(heartbeat_at=long_ago)
    waiting = ShortlistPack.objects.create(stage=scored.stage, requested_by=scored.people["chidi"])
    ShortlistPack.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    fresh = ShortlistPack.objects.create(
        stage=scored.stage, requested_by=scored.people["chidi"], status="running", heartbeat_at=timezone.now()
    )
    client.force_login(scored.people["chidi"])
    page = client.get(reverse("judging:shortlist", args=[scored.stage.pk, stuck.pk])).content.decode()
    assert "the background worker stopped" in page and "Try again" in page
    statuses = dict(ShortlistPack.objects.values_list("pk", "status"))
    assert (statuses[stuck.pk], statuses[waiting.pk], statuses[fresh.pk]) == ("failed", "failed", "running")


def test_the_database_sums_give_the_same_results_as_the_pure_maths(panel):
    """The ranking adds scores up in SQL; the figures must be exactly those of judging.scoring on the raw scores."""
    import random

    from judging import scoring
    from judging.models import Assignment, Score, Scorecard
    from tests.factories import NominationFactory, UserFactory

    rng = random.Random(7)
    stage = panel.stage
    judges = [panel.people["bob"], panel.people["alice"], UserFactory(username="erin"), UserFactory(username="femi")]
    for _ in range(25):
        entry = Entry.objects.create(stage=stage, nomination=NominationFactory(award=stage.award, status="submitted"))
        for judge in judges:
            Assignment.objects.create(entry=entry, judge=judge)
            if rng.random() < 0.8:
                reach = None if rng.random() < 0.2 else rng.randint(0, 5)
                submit(entry, judge, {"impact": rng.randint(0, 5), "reach": reach})
    via_sql = ranking.stage_results(stage, panel.people["root"], order_by="normalised", criterion_agreement=True)
    cards = []
    for card in Scorecard.objects.filter(entry__stage=stage, status="submitted").prefetch_related("scores__criterion"):
        values = {s.criterion.key: (None if s.not_applicable else s.value) for s in card.scores.all()}
        cards.append(scoring.Card(card.judge_id, card.entry_id, values))
    criteria = [scoring.Criterion(c.key, float(c.weight), c.scale_min, c.scale_max) for c in via_sql.criteria]
    # Which entries are complete is tested on its own (expected_scorecards); here, the sums.
    pure = scoring.compute(
        entries=[row.entry.pk for row in via_sql.rows],
        cards=cards,
        criteria=criteria,
        order_by="normalised",
        expected={row.entry.pk: row.result.expected for row in via_sql.rows},
    )
    assert any(not row.result.complete for row in via_sql.rows)
    assert via_sql.alpha == pytest.approx(pure.alpha, abs=1e-9)
    for key, alpha in pure.alpha_by_criterion.items():
        assert via_sql.computed.alpha_by_criterion[key] == pytest.approx(alpha, abs=1e-9)
    for row in via_sql.rows:
        other = pure.entries[row.entry.pk]
        assert (row.result.rank, row.result.normalised_rank) == (other.rank, other.normalised_rank)
        if other.score is not None:
            assert row.result.score == pytest.approx(other.score, abs=1e-9)
            assert row.result.normalised_score == pytest.approx(other.normalised_score, abs=1e-9)
    assert Score.objects.filter(scorecard__entry__stage=stage).exists()


def test_totals_are_stored_on_submitting_and_follow_the_criteria(panel):
    from judging import scorecards
    from judging.models import Scorecard
    from judging.scorecards import ScoreInput

    entry, bob, now = panel.entries[1], panel.people["bob"], timezone.now()
    scorecards.scorecard_save(
        entry=entry,
        judge=bob,
        scores={"impact": ScoreInput("4"), "reach": ScoreInput("na")},
        overall_comment="",
        version=0,
        now=now,
        submit=True,
    )
    card = Scorecard.objects.get(entry=entry, judge=bob)
    assert card.total == pytest.approx(80.0)  # reach is N/A: impact alone, 4 of 0-5
    reach = panel.criteria[1]
    impact = panel.criteria[0]
    impact.scale_max = 10
    impact.save()  # a changed scale recomputes every stored total
    card.refresh_from_db()
    assert card.total == pytest.approx(40.0)
    scorecards.scorecard_reopen(scorecard=card, now=now)
    card.refresh_from_db()
    assert card.total is None and reach.pk


def test_the_office_approves_exactly_the_ticked_comments_and_the_audit_says_so(client, scored):
    from audit.models import AuditEvent
    from judging.models import Score, Scorecard

    e, root = scored.entries, scored.people["root"]
    client.force_login(root)
    url = reverse("judging:feedback", args=[scored.stage.pk, e[1].pk])
    page = client.get(url).content.decode()
    assert "A humane entry, said judge Alice" in page and "Bob Judge" not in page and "Alice Judge" not in page
    overall = Scorecard.objects.get(entry=e[1], judge=scored.people["alice"])
    other_entry_score = Score.objects.filter(scorecard__entry=e[0]).exclude(comment="").first()

    # A key of another entry's comment is ignored; only this entry's ticked comment is approved.
    response = client.post(url, {"approve": [f"card-{overall.pk}", f"score-{other_entry_score.pk}"]})

    assert response.status_code == 302
    overall.refresh_from_db()
    other_entry_score.refresh_from_db()
    assert overall.feedback_approved and not other_entry_score.feedback_approved
    assert "1 comment approved for the nominator" in client.get(url).content.decode()
    event = AuditEvent.objects.filter(subject=f"entry:{e[1].pk}").latest("pk")
    assert event.data == {"approved": [f"card-{overall.pk}"]} and event.actor_id == root.pk
    # Unticking approves nothing.
    client.post(url, {})
    overall.refresh_from_db()
    assert not overall.feedback_approved
    # A chair of the stage may read the explanation but not approve feedback.
    client.force_login(scored.people["chidi"])
    assert client.get(url).status_code == 404
    explain = client.get(reverse("judging:explain", args=[scored.stage.pk, e[1].pk])).content.decode()
    assert "Choose which comments may go to the nominator" not in explain


def test_an_entry_is_ranked_only_once_it_has_every_scorecard_expected(client, scored):
    """Entries expect a scorecard from each judge assigned, less conflicts: Grace Hopper's entry
    expects bob's only (alice is conflicted), the others bob's and alice's."""
    from audit.models import AuditEvent
    from judging.models import Scorecard

    e = scored.entries
    # Alice's scorecard on Alan Turing's entry is reopened: it now has 1 of 2.
    Scorecard.objects.filter(entry=e[1], judge=scored.people["alice"]).update(status="draft")
    results = ranking.stage_results(scored.stage, scored.people["root"])
    by_ref = {row.entry.reference: row.result for row in results.rows}
    assert [(by_ref[x.reference].n, by_ref[x.reference].expected) for x in e] == [(1, 1), (1, 2), (2, 2)]
    assert refs(results) == [e[0].reference, e[2].reference, e[1].reference]
    assert by_ref[e[1].reference].rank is None and "incomplete" in by_ref[e[1].reference].flags

    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk])
    page = client.get(url).content.decode()
    assert "1 entry has fewer scorecards than the stage needs" in page and "1 of 2" in page
    # The export says so too: an empty rank, expected and complete columns, the flag.
    content, _, _ = exports.export(results, "ranking", "csv")
    rows = _csv(content)
    header, turing = rows[0], next(row for row in rows if row[1] == e[1].reference)
    assert header[8:11] == ["scorecards", "scorecards_expected", "complete"]
    assert (turing[0], turing[8], turing[9], turing[10]) == ("", "1", "2", "no") and "incomplete" in turing[13]

    # Ticking a complete entry does nothing but explain; ticking the incomplete one ranks it, recorded.
    page = client.post(url, {"entries": [e[2].pk], "action": "include"}).content.decode()
    assert "Tick an incomplete entry that has at least one scorecard" in page
    assert client.post(url, {"entries": [e[1].pk], "action": "include"}).status_code == 302
    entry = Entry.objects.get(pk=e[1].pk)
    assert entry.ranked_incomplete_by == scored.people["chidi"] and entry.ranked_incomplete_at
    assert AuditEvent.objects.filter(summary__contains=f"ranked as they are, without every scorecard: {e[1].reference}")
    turing = next(
        r.result for r in ranking.stage_results(scored.stage, scored.people["root"]).rows if r.entry.pk == e[1].pk
    )
    assert turing.rank == 2 and "included as it is" in turing.flags

    # And back: unranked until complete.
    assert client.post(url, {"entries": [e[1].pk], "action": "wait"}).status_code == 302
    assert Entry.objects.get(pk=e[1].pk).ranked_incomplete_at is None

    # A stage that needs one scorecard ranks it.
    Stage.objects.filter(pk=scored.stage.pk).update(min_scorecards=1)
    scored.stage.refresh_from_db()
    assert all(row.result.rank for row in ranking.stage_results(scored.stage, scored.people["root"]).rows)


def test_the_stage_breaks_ties_by_a_criterion_and_the_page_pack_and_export_say_so(client, panel):
    from django.core.exceptions import ValidationError

    e, stage = panel.entries, panel.stage
    # Alan Turing's and Ada Byron's entries total 60 from both judges; Turing's impact is higher.
    for judge in ("alice", "bob"):
        submit(e[1], panel.people[judge], {"impact": 4, "reach": 2})
        submit(e[2], panel.people[judge], {"impact": 2, "reach": 4})
    submit(e[0], panel.people["bob"], {"impact": 1, "reach": 1})
    tied = ranking.stage_results(stage, panel.people["root"])
    assert [row.result.rank for row in tied.rows] == [1, 1, 3] and tied.rows[0].result.tie
    assert tied.tie_break == "Ties are left to the panel."

    stage.tie_break = Stage.TieBreak.CRITERION
    stage.tie_break_criterion = "nope"
    with pytest.raises(ValidationError, match="one of the award's criteria: impact, reach"):
        stage.full_clean()
    stage.tie_break_criterion = "impact"
    stage.full_clean()
    stage.save()
    broken = ranking.stage_results(stage, panel.people["root"])
    assert refs(broken) == [e[1].reference, e[2].reference, e[0].reference]
    assert [row.result.rank for row in broken.rows] == [1, 2, 3]
    assert "tie broken by the criterion" in broken.rows[0].result.flags
    assert broken.tie_break.startswith("Ties are broken by the higher mean score on “Impact”")

    client.force_login(panel.people["chidi"])
    page = client.get(reverse("judging:ranking", args=[stage.pk])).content.decode()
    assert "Ties are broken by the higher mean score on “Impact”" in page
    rows = _csv(exports.export(broken, "ranking", "csv")[0])
    assert "tie broken by the criterion" in rows[1][13]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(shortlist.shortlist_pdf(broken))).pages)
    assert "Ties are broken by the higher mean score" in " ".join(text.split())


def test_apply_all_pending_confirms_how_many_and_applies_only_what_the_chair_may_see(client, scored):
    from judging.models import Conflict

    e, chidi, now = scored.entries, scored.people["chidi"], timezone.now()
    decisions.decisions_record(stage=scored.stage, entries=e, outcome="shortlisted", reason="", by=chidi, now=now)
    # Chidi is now conflicted with Grace Hopper's entry: its decision is not theirs to see or apply.
    Conflict.objects.create(judge=chidi, nomination=e[0].nomination)
    client.force_login(chidi)
    url = reverse("judging:apply_pending", args=[scored.stage.pk])
    ranking_page = client.get(reverse("judging:ranking", args=[scored.stage.pk])).content.decode()
    assert "Apply all 2 pending decisions" in ranking_page
    page = client.get(url).content.decode()
    assert "Apply 2 pending decisions" in page and "2 shortlisted" in page and e[0].reference not in page

    # A confirmation of another count (a decision recorded meanwhile) is shown again, not applied.
    response = client.post(url, {"count": "3"})
    assert response.status_code == 400 and "there are now 2" in response.content.decode()
    assert not Decision.objects.filter(status="applied").exists()

    assert client.post(url, {"count": "2"}).status_code == 302
    applied = set(Decision.objects.filter(status="applied").values_list("entry_id", flat=True))
    assert applied == {e[1].pk, e[2].pk}
    assert Decision.objects.get(entry=e[0]).status == "pending"
    assert "No pending decisions" in client.get(url).content.decode()
    assert client.post(url, {"count": "0"}).status_code == 400


def test_ticks_stay_after_an_action(client, scored):
    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk])
    ticked = [scored.entries[1].pk, scored.entries[2].pk]
    response = client.post(url, {"entries": ticked, "action": "record", "outcome": "shortlisted"}, follow=True)
    page = response.content.decode()
    assert "2 entries marked shortlisted (pending)." in page
    assert all(f'value="{pk}" checked' in page for pk in ticked)
    assert f'value="{scored.entries[0].pk}" checked' not in page
    # Only once: a later visit starts with nothing ticked.
    assert " checked" not in client.get(url).content.decode().split("plaudit-ranking")[1].split("</table>")[0]


def test_a_stage_opening_before_nominations_close_is_warned_about(client, scored):
    award = scored.stage.award
    Stage.objects.filter(pk=scored.stage.pk).update(opens_at=award.closes_at - timezone.timedelta(days=3))
    scored.stage.refresh_from_db()
    assert scored.stage.opens_before_nominations_close()
    client.force_login(scored.people["chidi"])
    page = client.get(reverse("judging:ranking", args=[scored.stage.pk])).content.decode()
    assert "Nominations are still open" in page and "Entries may still arrive" in page
    Stage.objects.filter(pk=scored.stage.pk).update(opens_at=award.closes_at + timezone.timedelta(days=1))
    assert (
        "Nominations are still open"
        not in client.get(reverse("judging:ranking", args=[scored.stage.pk])).content.decode()
    )


def test_the_admin_warns_when_a_stage_opens_before_nominations_close(rf, scored):
    from django.contrib import admin
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from judging.admin import StageAdmin

    request = rf.post("/admin/")
    request.user, request.session = scored.people["root"], {}
    request._messages = FallbackStorage(request)
    stage = scored.stage
    stage.opens_at = stage.award.closes_at - timezone.timedelta(hours=1)
    StageAdmin(Stage, admin.site).save_model(request, stage, None, True)
    assert any("opens before nominations for" in str(m) for m in get_messages(request))


def test_the_spread_of_the_selection_is_in_the_pack_and_the_exports_and_blind_leaves_out_identifying(
    client, scored, tmp_path
):
    from nominations.models import Answer
    from tests.factories import QuestionFactory

    award, e = scored.stage.award, scored.entries
    section = award.sections.get()
    region = QuestionFactory(
        section=section,
        key="region",
        prompt="Which region?",
        type="choice",
        choices=["North", "South"],
        reportable=True,
    )
    trust = QuestionFactory(section=section, key="trust", prompt="Which trust?", reportable=True, identifying=True)
    for entry, where in zip(e, ["North", "South", "North"], strict=True):
        Answer.objects.create(nomination=entry.nomination, question=region, value=where)
        Answer.objects.create(nomination=entry.nomination, question=trust, value=f"Trust of {entry.reference}")
    decisions.decisions_record(
        stage=scored.stage,
        entries=e[:1],
        outcome="shortlisted",
        reason="",
        by=scored.people["chidi"],
        now=timezone.now(),
    )
    results = ranking.stage_results(scored.stage, scored.people["root"])
    rows = _csv(exports.export(results, "spread", "csv")[0])
    assert rows[0] == exports.SPREAD_COLUMNS
    assert ["Which region?", "North", "1", "2", "1", "3"] in rows and [
        "Which region?",
        "South",
        "0",
        "1",
        "1",
        "3",
    ] in rows
    assert any(row[0] == "Which trust?" for row in rows[1:])
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(shortlist.shortlist_pdf(results))).pages).split()
    )
    assert "Spread of the selection" in text and "Which region?" in text

    blind = ranking.stage_results(scored.stage, scored.people["root"], blind=True)
    blind_rows = _csv(exports.export(blind, "spread", "csv")[0])
    assert not any(row[0] == "Which trust?" for row in blind_rows[1:]) and len(blind_rows) == 3
    blind_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(shortlist.shortlist_pdf(blind))).pages)
    assert "Trust of" not in blind_text and "Which trust?" not in blind_text

    client.force_login(scored.people["chidi"])
    response = client.get(reverse("judging:export", args=[scored.stage.pk, "spread", "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == exports.SPREAD_COLUMNS
    target = tmp_path / "spread.csv"
    call_command("export_results", award.slug, stage="Shortlisting", what="spread", fmt="csv", output=str(target))
    assert "Which region?" in target.read_text(encoding="utf-8-sig")


def test_outcome_emails_wait_for_a_confirmation_naming_how_many(client, scored):
    e, chidi, now = scored.entries, scored.people["chidi"], timezone.now()
    decisions.decisions_record(stage=scored.stage, entries=e[1:], outcome="winner", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=scored.stage, entries=e[1:], by=chidi, now=now)
    client.force_login(chidi)
    outcomes = reverse("judging:outcomes", args=[scored.stage.pk]) + "?outcome=winner"
    response = client.post(
        outcomes, {"outcome": "winner", "subject": "You won, {nominee}", "body": "Well done", "send": "1"}
    )
    confirm = reverse("judging:outcomes_send", args=[scored.stage.pk]) + "?outcome=winner&audience=nominator"
    assert response.status_code == 302 and response["Location"] == confirm
    assert not OutcomeEmail.objects.exists()  # nothing sent yet
    page = client.get(confirm).content.decode()
    assert "Send the “winner” message to 2 nominators" in page and "2 nominators of 2 entries" in page
    assert "You won, Alan Turing" in page

    stale = client.post(confirm, {"outcome": "winner", "count": "3"})
    assert stale.status_code == 400 and "it is now 2 people" in stale.content.decode()
    assert not OutcomeEmail.objects.exists()
    assert client.post(confirm, {"outcome": "winner", "count": "2"}).status_code == 302
    assert OutcomeEmail.objects.count() == 2
    page = client.get(confirm).content.decode()
    assert "No one left to send" in page and "2 nominators have had it already" in page
    assert client.post(confirm, {"outcome": "winner", "count": "0"}).status_code == 400
    assert OutcomeEmail.objects.count() == 2
    assert client.get(reverse("judging:outcomes_send", args=[scored.stage.pk]) + "?outcome=nope").status_code == 404

    # In a blind stage the chair's confirmation names no one.
    OutcomeEmail.objects.all().delete()
    Stage.objects.filter(pk=scored.stage.pk).update(blind=True)
    page = client.get(confirm).content.decode()
    assert "Alan Turing" not in page and "[the nominee&#x27;s name]" in page


def test_the_office_moderates_every_comment_of_a_stage_on_one_page(client, scored):
    """scored: bob's comment "Remarkable listening" on each criterion of Grace Hopper's entry;
    alice's overall comment on Alan Turing's."""
    from audit.models import AuditEvent
    from judging.models import Score, Scorecard

    e, root = scored.entries, scored.people["root"]
    impact, reach = Score.objects.filter(scorecard__entry=e[0]).exclude(comment="").order_by("criterion__position")
    overall = Scorecard.objects.get(entry=e[1], judge=scored.people["alice"])
    url = reverse("judging:moderation", args=[scored.stage.pk])
    # The office only: a chair of the stage gets 404.
    client.force_login(scored.people["chidi"])
    assert client.get(url).status_code == 404
    client.force_login(root)
    page = client.get(url).content.decode()
    assert e[0].reference in page and e[1].reference in page and e[2].reference not in page
    assert "Remarkable listening" in page and "Bob Judge" not in page and "Alice Judge" not in page

    # An edit left empty is refused by name, and nothing is saved; what was typed stays.
    verdicts = {
        f"verdict-score-{impact.pk}": "approve",
        f"verdict-score-{reach.pk}": "edit",
        f"text-score-{reach.pk}": "  ",
        f"verdict-card-{overall.pk}": "reject",
    }
    response = client.post(url, verdicts)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write the comment as the nominator should read it" in body and "Nothing was saved" in body
    assert f'name="verdict-score-{impact.pk}" type="radio" value="approve" checked' in body
    assert not Score.objects.filter(feedback_reviewed=True).exists()

    verdicts[f"text-score-{reach.pk}"] = "Remarkable."
    assert client.post(url, verdicts).status_code == 302
    impact.refresh_from_db(), reach.refresh_from_db(), overall.refresh_from_db()
    assert (impact.feedback_approved, impact.feedback_text, impact.feedback_reviewed) == (True, "", True)
    assert (reach.feedback_approved, reach.feedback_text) == (True, "Remarkable.")
    assert (overall.feedback_approved, overall.feedback_reviewed) == (False, True)
    event = AuditEvent.objects.latest("pk")
    assert "1 approved, 1 approved as edited, 1 rejected" in event.summary and event.actor_id == root.pk
    # The nominator reads the edit, not the original; the rejected comment not at all.
    assert decisions.approved_feedback_for([e[0], e[1]]) == {
        e[0].pk: ["Impact: Remarkable listening", "Reach: Remarkable."],
        e[1].pk: [],
    }
    # Everything reviewed: the default view is empty; "all" shows them again with the verdicts.
    assert "Every comment has been reviewed." in client.get(url).content.decode()
    page = client.get(url + "?show=all").content.decode()
    assert 'value="reject" checked' in page and "Remarkable." in page

    # A key of a comment in another stage changes nothing.
    other = submit(scored.other_entry, scored.people["charlie"], {}, overall="Another stage's words")
    client.post(url + "?show=all", {f"verdict-card-{other.pk}": "approve"})
    other.refresh_from_db()
    assert not other.feedback_reviewed and not other.feedback_approved


def test_nominees_who_agreed_are_told_the_outcome_and_no_other_nominee_is(
    client, scored, django_capture_on_commit_callbacks
):
    from judging.models import Audience
    from nominations.models import Nomination

    e, chidi, now = scored.entries, scored.people["chidi"], timezone.now()
    Nomination.objects.filter(pk=e[0].nomination_id).update(
        consent_status="confirmed", nominee_email="grace@example.org"
    )
    Nomination.objects.filter(pk=e[1].nomination_id).update(
        consent_status="confirmed", nominee_email="alan@example.org", self_nomination=True
    )
    Nomination.objects.filter(pk=e[2].nomination_id).update(
        consent_status="not_needed", nominee_email="ada@example.org"
    )
    decisions.decisions_record(stage=scored.stage, entries=e, outcome="shortlisted", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=scored.stage, entries=e, by=chidi, now=now)

    # The rule, case by case: agreed and not their own nomination; never declined, removed or not asked.
    for consent, self_nominated, email, expected in [
        ("confirmed", False, "x@example.org", True),
        ("confirmed", True, "x@example.org", False),
        ("not_needed", False, "x@example.org", False),
        ("pending", False, "x@example.org", False),
        ("declined", False, "x@example.org", False),
        ("confirmed", False, "", False),  # details removed
    ]:
        nomination = Nomination(consent_status=consent, self_nomination=self_nominated, nominee_email=email)
        assert decisions.receives(nomination, Audience.NOMINEE) is expected

    client.force_login(chidi)
    url = reverse("judging:outcomes", args=[scored.stage.pk]) + "?outcome=shortlisted&audience=nominee"
    page = client.get(url).content.decode()
    assert "the message to nominees" in page and "Save and send to the 1 nominee who may be told" in page
    assert "Dear Grace Hopper" in page and "you have been shortlisted" in page
    response = client.post(
        url,
        {
            "outcome": "shortlisted",
            "audience": "nominee",
            "subject": "You are shortlisted, {nominee}",
            "body": "Dear {nominee}",
            "send": "1",
        },
    )
    confirm = response["Location"]
    assert "audience=nominee" in confirm
    page = client.get(confirm).content.decode()
    assert "Send the “shortlisted” message to 1 nominee" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm, {"outcome": "shortlisted", "audience": "nominee", "count": "1"}).status_code == 302
    sent = [m for m in mail.outbox if m.to == ["grace@example.org"]]
    assert len(sent) == 1 and sent[0].subject == "You are shortlisted, Grace Hopper"
    assert not [m for m in mail.outbox if m.to in (["alan@example.org"], ["ada@example.org"])]
    # The nominators' message is its own: none of them has had it yet.
    nominators = decisions.outcome_recipients(stage=scored.stage, outcome="shortlisted", entries=Entry.objects.all())
    assert len(nominators.due) == 3 and nominators.already == 0
    assert client.get(reverse("judging:outcomes", args=[scored.stage.pk]) + "?audience=nope").status_code == 404


def test_the_spread_counts_a_dossier_as_one_entry_with_its_nominations_answers(scored):
    from judging.entries import stage_sync_entries
    from nominations import domain as nominations
    from nominations.models import Answer
    from tests.factories import QuestionFactory

    stage, e = scored.stage, scored.entries
    region = QuestionFactory(
        section=stage.award.sections.get(), key="region", type="choice", choices=["North", "South"], reportable=True
    )
    for entry, where in zip(e, ["North", "South", "South"], strict=True):
        Answer.objects.create(nomination=entry.nomination, question=region, value=where)
    dossier = nominations.dossier_merge(nominations=[e[1].nomination, e[2].nomination])
    stage_sync_entries(stage=stage)
    results = ranking.stage_results(stage, scored.people["root"])
    [item] = ranking.spread(results)
    together = dict((value, everywhere) for value, _chosen, everywhere in item.values)
    assert any(row.entry.dossier_id == dossier.pk for row in results.rows)
    assert together == {"North": 1, "South": 1}  # the dossier counts once, with its nominations' answer


def test_a_chairs_scores_export_leaves_out_the_entry_they_are_conflicted_with(scored):
    from judging.models import Conflict

    chidi = scored.people["chidi"]
    Conflict.objects.create(judge=chidi, nomination=scored.entries[0].nomination, status="confirmed")
    results = ranking.stage_results(scored.stage, chidi)
    for fmt in ("csv", "xlsx"):
        content = exports.export(results, "scores", fmt)[0]
        if fmt == "csv":
            text = content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(content)).active
            text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
        assert scored.entries[1].reference in text
        assert scored.entries[0].reference not in text and "Remarkable listening" not in text


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    assigned=st.sets(st.tuples(st.integers(0, 3), st.integers(0, 4)), max_size=20),
    conflicts=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=12),
)
def test_what_each_entry_expects_is_its_judges_less_their_conflicts(assigned, conflicts):
    """results.ranking.expected_scorecards (one grouped query) against a plain count over the
    assignments, for any assignments and any conflict pairs, including pairs of judges or
    entries that have nothing to do with each other or with the stage."""
    award = AwardFactory()
    stage = Stage.objects.create(award=award, name="Round")
    judges = [UserFactory() for _ in range(5)]
    entries = [
        Entry.objects.create(stage=stage, nomination=NominationFactory(award=award, status="submitted"))
        for _ in range(6)
    ]
    for judge, entry in assigned:
        Assignment.objects.create(judge=judges[judge], entry=entries[entry])
    pairs = {(judges[judge].pk, entries[entry].pk) for judge, entry in conflicts if judge < 5}
    ids = [entry.pk for entry in entries]
    plain = {
        entry.pk: sum(1 for j, e in assigned if entries[e] == entry and (judges[j].pk, entry.pk) not in pairs)
        for entry in entries
    }
    assert ranking.expected_scorecards(stage, ids, conflicted=pairs) == plain
    assert ranking.expected_scorecards(stage, ids[:3], conflicted=pairs) == {i: plain[i] for i in ids[:3]}
