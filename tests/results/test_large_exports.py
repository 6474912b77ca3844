"""An export too large to build inside a web request is built by the task worker, as a shortlist
pack is, and handed out by the same checks: only to someone who may see every entry in it, now."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from judging.models import Conflict, ShortlistPack
from results import exports
from tests.factories import UserFactory


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(exports, "INLINE_CELLS", 10)


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def test_a_large_export_is_offered_then_built_in_the_background_and_holds_what_the_inline_one_does(
    client, scored, monkeypatch
):
    stage, chidi = scored.stage, scored.people["chidi"]
    client.force_login(chidi)
    url = reverse("judging:export", args=[stage.pk, "scores", "xlsx"])
    inline = client.get(url)
    assert inline["Content-Disposition"].startswith("attachment")
    expected = rows_of(inline.content)

    monkeypatch.setattr(exports, "INLINE_CELLS", 10)
    offer = client.get(url + "?order=normalised")
    page = offer.content.decode()
    assert offer.status_code == 200 and "Content-Disposition" not in offer
    assert "Download all scores as XLSX" in page and "Make the file" in page and 'value="normalised"' in page

    made = client.post(url, {"order": "normalised"})
    prepared = ShortlistPack.objects.get()
    assert made.status_code == 302 and made.url == reverse("judging:shortlist", args=[stage.pk, prepared.pk])
    assert (prepared.export, prepared.normalised, prepared.status) == ("scores.xlsx", True, "done")
    status = client.get(made.url + "?format=json").json()
    assert status["status"] == "done" and status["download"]
    assert "Download all scores as XLSX" in client.get(made.url).content.decode()
    download = client.get(status["download"])
    assert download["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert download["Content-Disposition"] == (
        f'attachment; filename="{stage.award.slug}-{stage.pk}-scores-normalised.xlsx"'
    )
    assert rows_of(b"".join(download.streaming_content)) == expected


def test_the_ranking_as_csv_can_be_made_in_the_background_too(client, scored, small_limit):
    stage = scored.stage
    client.force_login(scored.people["chidi"])
    made = client.post(reverse("judging:export", args=[stage.pk, "ranking", "csv"]))
    prepared = ShortlistPack.objects.get()
    download = client.get(reverse("judging:shortlist_download", args=[stage.pk, prepared.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert made.status_code == 302 and text.splitlines()[0].startswith("rank,reference")
    assert all(entry.reference in text for entry in scored.entries)


def test_who_may_make_and_fetch_a_large_export(client, scored, small_limit):
    stage, people = scored.stage, scored.people
    url = reverse("judging:export", args=[stage.pk, "scores", "xlsx"])
    for outsider in (people["bob"], people["dana"], UserFactory()):  # a judge, another stage's chair, nobody
        client.force_login(outsider)
        assert client.post(url).status_code == 404 and client.get(url).status_code == 404
    assert not ShortlistPack.objects.exists()

    client.force_login(people["root"])
    client.post(url)
    prepared = ShortlistPack.objects.get()
    download = reverse("judging:shortlist_download", args=[stage.pk, prepared.pk])
    client.force_login(people["chidi"])
    assert client.get(download).status_code == 200
    # The chair is found to be conflicted with an entry the office's file holds: it is not theirs now.
    Conflict.objects.create(judge=people["chidi"], nomination=scored.entries[0].nomination)
    assert client.get(download).status_code == 404


def test_an_office_viewer_may_have_one_made_as_they_may_download_one(client, scored, small_limit):
    from awards import office
    from awards.models import OfficeRole

    viewer = UserFactory()
    office.role_grant(scored.stage.award.programme, viewer, OfficeRole.Role.VIEWER)
    client.force_login(viewer)
    made = client.post(reverse("judging:export", args=[scored.stage.pk, "scores", "csv"]))
    assert made.status_code == 302 and ShortlistPack.objects.get().requested_by == viewer


def test_anonymous_people_are_sent_to_sign_in(client, scored, small_limit):
    url = reverse("judging:export", args=[scored.stage.pk, "scores", "xlsx"])
    response = client.post(url)
    assert response.status_code == 302 and "next=" in response.url
    assert not ShortlistPack.objects.exists()
