"""Every judging page against every role: anonymous, judge, conflicted judge, judge of another
panel, chair, chair of another award, admin. What a role may not see is a 404, never a 403.

The table is checked against the URLconf, so a new judging page with no row fails here.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from judging.models import Scorecard, ShortlistPack

ROLES = ["anonymous", "bob", "alice", "charlie", "chidi", "dana", "root"]
SIGN_IN = "sign-in"

# name -> (method, {role: expected status}); "alice" is conflicted with the entry used.
JUDGE_ONLY = {"bob": 200, "alice": 200, "charlie": 404, "chidi": 404, "dana": 404, "root": 404}
JUDGE_ENTRY = {"bob": 200, "alice": 404, "charlie": 404, "chidi": 404, "dana": 404, "root": 404}
CHAIR_ONLY = {"bob": 404, "alice": 404, "charlie": 404, "chidi": 200, "dana": 404, "root": 200}
CHAIR_POST = {role: (302 if status == 200 else 404) for role, status in CHAIR_ONLY.items()}
PUBLIC = {"sign_in", "sign_in_link", "sign_out"}  # the sign-in pages: tested in test_accounts

MATRIX = {
    "home": ("get", {role: 200 for role in ROLES[1:]}),
    "declare": ("get", JUDGE_ONLY),
    "queue": ("get", JUDGE_ONLY),
    "score": ("get", JUDGE_ENTRY),
    "autosave": ("post", JUDGE_ENTRY),
    "conflict": ("get", JUDGE_ENTRY),
    "ballot": ("get", {role: 404 for role in ROLES[1:]}),  # a scoring stage has no ballot
    "reading_pack": ("get", JUDGE_ONLY),
    "progress": ("get", CHAIR_ONLY),
    "remind": ("post", CHAIR_POST),
    "assignments": ("get", CHAIR_ONLY),
    "assignment_change": ("post", CHAIR_POST),
    "reopen": ("post", CHAIR_POST),
    "assignments_download": ("get", CHAIR_ONLY),
    "assignments_upload": ("get", CHAIR_ONLY),
    "ranking": ("get", CHAIR_ONLY),
    "explain": ("get", CHAIR_ONLY),
    "apply_pending": ("get", CHAIR_ONLY),
    "outcomes_send": ("get", CHAIR_ONLY),
    "export": ("get", CHAIR_ONLY),
    "shortlist_request": ("post", CHAIR_POST),
    "shortlist": ("get", CHAIR_ONLY),
    "shortlist_download": ("get", CHAIR_ONLY),
    "outcomes": ("get", CHAIR_ONLY),
    "feedback": ("get", {**CHAIR_ONLY, "chidi": 404}),  # the awards office approves feedback
    "moderation": ("get", {**CHAIR_ONLY, "chidi": 404}),
    # A file of the entry: its judges (not a conflicted one), its chairs and the office.
    "evidence": ("get", {**JUDGE_ENTRY, "chidi": 200, "root": 200}),
    # The awards office's pages: its list of programmes (anyone signed in; perhaps empty), and a
    # programme's overview (its office only: here the admin).
    "office": ("get", {role: 200 for role in ROLES[1:]}),
    "overview": ("get", {**CHAIR_ONLY, "chidi": 404}),
    # Messages from the awards office (here the admin): never for judges or chairs.
    "messages": ("get", {**CHAIR_ONLY, "chidi": 404}),
    "message": ("get", {**CHAIR_ONLY, "chidi": 404}),
    "message_new": ("get", {**CHAIR_ONLY, "chidi": 404}),
    "message_edit": ("get", {**CHAIR_ONLY, "chidi": 404}),
}


def test_every_judging_page_has_a_row():
    # The judging namespace holds judging's pages and the results pages (config/urls.py joins them).
    names = {
        name
        for module in ("judging.urls", "results.urls")
        for name in get_resolver(module).reverse_dict
        if isinstance(name, str)
    }
    assert names - PUBLIC == set(MATRIX), "add the new page to MATRIX with what each role may do"


def _url(name, panel):
    stage, entry = panel.stage, panel.entries[0]
    if name in {"score", "autosave", "conflict", "assignment_change", "reopen", "explain", "feedback"}:
        return reverse(f"judging:{name}", args=[stage.pk, entry.pk])
    if name == "evidence":
        from nominations.models import Answer
        from tests.factories import QuestionFactory

        question = QuestionFactory(section=stage.award.sections.first(), key="evidence", type="file")
        answer = Answer(nomination=entry.nomination, question=question, value="letter.pdf", file_name="letter.pdf")
        answer.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
        return reverse("judging:evidence", args=[stage.pk, entry.pk, entry.nomination_id, "evidence"])
    if name == "export":
        return reverse("judging:export", args=[stage.pk, "ranking", "csv"])
    if name in {"shortlist", "shortlist_download"}:
        pack = ShortlistPack.objects.create(
            stage=stage,
            requested_by=panel.people["root"],
            status="done",
            pdf=ContentFile(b"%PDF-", name="pack.pdf"),
            entry_ids=[e.pk for e in panel.entries],
            nomination_ids=[e.nomination_id for e in panel.entries],
        )
        return reverse(f"judging:{name}", args=[stage.pk, pack.pk])
    if name in {"home", "office"}:
        return reverse(f"judging:{name}")
    if name in {"overview", "messages", "message_new"}:
        return reverse(f"judging:{name}", args=[stage.award.programme.slug])
    if name in {"message", "message_edit"}:
        from results.models import OfficeMessage

        message = OfficeMessage.objects.create(
            programme=stage.award.programme, segment="behind", award=stage.award, stage=stage, subject="Hi", body="Hi"
        )
        return reverse(f"judging:{name}", args=[stage.award.programme.slug, message.pk])
    return reverse(f"judging:{name}", args=[stage.pk])


def _payload(name, panel):
    if name == "autosave":
        return {"version": 0, "score-impact": "3"}
    if name in {"remind", "reopen"}:
        return {"judge": panel.people["bob"].pk}
    if name == "assignment_change":
        return {"remove": panel.people["bob"].pk}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, panel, name, role):
    method, expected = MATRIX[name]
    if name == "reopen":
        Scorecard.objects.create(entry=panel.entries[0], judge=panel.people["bob"], status="submitted")
    if role != "anonymous":
        client.force_login(panel.people[role])
    url = _url(name, panel)
    response = getattr(client, method)(url, _payload(name, panel))
    if role == "anonymous":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    else:
        assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
