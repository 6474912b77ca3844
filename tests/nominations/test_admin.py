"""The awards office: nominations list, exports, eligibility, deadlines and dossiers."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from nominations import domain
from nominations.dossiers import likely_duplicates
from nominations.models import Answer, Nomination
from tests.factories import AwardFactory, NominationFactory, QuestionFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    award = AwardFactory(title="Kindness Award")
    section = SectionFactory(award=award)
    QuestionFactory(section=section, key="story", prompt="What did they do?", position=0)
    QuestionFactory(section=section, key="region", prompt="Region?", type="choice", choices=["North"], position=1)
    return award


def submitted(award, n, **fields):
    nomination = NominationFactory(
        award=award,
        status="submitted",
        nominee_name=fields.pop("nominee_name", f"Nominee {n}"),
        nominee_organisation=fields.pop("nominee_organisation", "Northfield NHS Trust"),
        nominee_email=fields.pop("nominee_email", f"nominee{n}@example.org"),
        **fields,
    )
    for question in award.questions.all():
        Answer.objects.create(
            nomination=nomination, question=question, value=f"answer {n}" if question.key == "story" else "North"
        )
    return nomination


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_exports_do_not_grow_in_queries(admin_client, award):
    submitted(award, 0)
    urls = [
        reverse("admin:nominations_nomination_changelist"),
        reverse("admin:nominations_nomination_changelist") + f"?award__id__exact={award.pk}&status__exact=submitted",
        reverse("admin:nominations_nomination_export") + f"?award={award.pk}",
        reverse("admin:nominations_nomination_export") + f"?award={award.pk}&format=xlsx",
    ]
    few = [queries(admin_client, url) for url in urls]
    for n in range(1, 30):
        submitted(award, n)
    assert [queries(admin_client, url) for url in urls] == few
    assert max(few) <= 20


def test_search_finds_by_nominee_and_reference(admin_client, award):
    target = submitted(award, 1, nominee_name="Florence Nightingale")
    submitted(award, 2)
    response = admin_client.get(reverse("admin:nominations_nomination_changelist") + "?q=Nightingale")
    assert [n.pk for n in response.context["cl"].result_list] == [target.pk]


def test_csv_has_identity_then_one_column_per_question_and_neutralises_formulas(admin_client, award):
    nomination = submitted(award, 1, nominee_name='=HYPERLINK("http://evil")', nominator_name="+44 123")
    Answer.objects.filter(nomination=nomination, question__key="story").update(value="@SUM(A1:A2)")

    response = admin_client.get(reverse("admin:nominations_nomination_export") + f"?award={award.pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert rows[0][:2] == ["Reference", "Status"]
    assert rows[0][-2:] == ["What did they do?", "Region?"]
    assert rows[1][0] == nomination.reference
    assert rows[1][5] == '\'=HYPERLINK("http://evil")'
    assert rows[1][10] == "'+44 123"
    assert rows[1][-2:] == ["'@SUM(A1:A2)", "North"]


def test_xlsx_cells_are_text_never_formulas(admin_client, award):
    nomination = submitted(award, 1, nominee_name="=1+1")
    response = admin_client.get(reverse("admin:nominations_nomination_export") + f"?award={award.pk}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == nomination.reference
    assert sheet["F2"].value == "'=1+1"
    assert sheet["F2"].data_type == "s"


def test_export_without_an_award_asks_for_one(admin_client, award):
    submitted(award, 1)
    page = admin_client.get(reverse("admin:nominations_nomination_export")).content.decode()
    assert "Kindness Award (1)" in page


def test_marking_ineligible_needs_a_reason_and_keeps_it(admin_client, award):
    nomination = submitted(award, 1)
    url = reverse("admin:nominations_nomination_ineligible", args=[nomination.pk])
    assert admin_client.post(url, {"reason": ""}).context["form"].errors["reason"] == ["This field is required."]
    admin_client.post(url, {"reason": "The nominee left the NHS in 2024."})
    nomination.refresh_from_db()
    assert (nomination.status, nomination.ineligible_reason) == ("ineligible", "The nominee left the NHS in 2024.")
    assert not nomination.goes_to_judging


def test_the_office_can_extend_one_deadline_but_not_rewrite_answers(admin_client, award):
    nomination = submitted(award, 1)
    url = reverse("admin:nominations_nomination_change", args=[nomination.pk])
    response = admin_client.post(
        url,
        {
            "deadline_override_0": "2030-02-01",
            "deadline_override_1": "17:00",
            "nominee_name": "Someone else",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.deadline_override is not None
    assert nomination.nominee_name == "Nominee 1"


def test_nominations_admin_is_for_staff_only(client, award):
    nomination = submitted(award, 1)
    client.force_login(UserFactory(username="judge"))
    for url in (
        reverse("admin:nominations_nomination_changelist"),
        reverse("admin:nominations_nomination_export") + f"?award={award.pk}",
        reverse("admin:nominations_nomination_change", args=[nomination.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


# ---------------------------------------------------------------- dossiers


def test_likely_duplicates_by_email_name_and_close_names(award):
    a = submitted(award, 1, nominee_name="Dr Grace Hopper", nominee_email="grace@x.org")
    b = submitted(award, 2, nominee_name="Grace Hopper", nominee_email="GRACE@x.org")
    c = submitted(
        award, 3, nominee_name="Grace Hoper", nominee_email="other@x.org", nominee_organisation="Northfield Trust"
    )
    submitted(award, 4, nominee_name="Alan Turing", nominee_email="alan@x.org")
    submitted(award, 5, nominee_name="Grace Hopper", nominee_email="g@y.org", nominee_organisation="Southfield")

    found = {(x.first.reference, x.second.reference): x.reason for x in likely_duplicates(Nomination.objects.all())}

    assert found[(a.reference, b.reference)] == "same nominee email"
    assert found[(a.reference, c.reference)] == "similar names at the same organisation"
    assert found[(b.reference, c.reference)] == "similar names at the same organisation"
    assert len(found) == 3


def test_merge_then_split_a_dossier(admin_client, award):
    a = submitted(award, 1, nominee_name="Grace Hopper", nominee_email="grace@x.org")
    b = submitted(award, 2, nominee_name="Grace Hopper", nominee_email="grace@x.org")
    response = admin_client.post(
        reverse("admin:nominations_nomination_duplicates"), {"award": award.pk, "nomination": [a.pk, b.pk]}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.dossier_id == b.dossier_id is not None
    assert likely_duplicates(Nomination.objects.all()) == []

    domain.dossier_split(nomination=a)
    b.refresh_from_db()
    assert (a.dossier_id, b.dossier_id) == (None, None)


def test_a_dossier_needs_two_nominations_of_one_award(award):
    other = submitted(AwardFactory(), 9)
    with pytest.raises(ValueError, match="two or more nominations of the same award"):
        domain.dossier_merge(nominations=[submitted(award, 1), other])
