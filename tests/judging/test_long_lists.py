"""Long lists a page at a time: the judge's entries and the chair's ranking. Every count and
figure is over the whole stage; the table shows one page of it, and links keep the order."""

import re

from django.urls import reverse

from judging import views
from judging.models import Scorecard
from results import views as results_views


def shown(html: str, entries) -> list[str]:
    """The references of the given entries that a page shows, in the order it shows them."""
    return sorted((e.reference for e in entries if f">{e.reference}<" in html), key=lambda r: html.index(f">{r}<"))


def test_a_judges_entries_come_a_page_at_a_time_with_counts_over_all(client, scored, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    bob, e = scored.people["bob"], scored.entries
    Scorecard.objects.filter(judge=bob, entry=e[2]).update(status="draft")
    client.force_login(bob)
    url = reverse("judging:queue", args=[scored.stage.pk])

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    assert shown(first, e) == [e[0].reference, e[1].reference]
    assert shown(second, e) == [e[2].reference]
    for page in (first, second):
        assert "2 of 3 scored" in page
    assert "Entries assigned to you: 1 to 2 of 3" in first and 'href="?page=2"' in first
    assert "Draft saved" in second and 'href="?page=1"' in second
    # A page beyond the last shows the last, never an error.
    assert shown(client.get(url + "?page=99").content.decode(), e) == [e[2].reference]


def test_the_queue_of_a_conflicted_judge_counts_only_what_they_may_see(client, scored, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    client.force_login(scored.people["alice"])
    url = reverse("judging:queue", args=[scored.stage.pk])
    pages = [client.get(f"{url}?page={n}").content.decode() for n in (1, 2)]
    e = scored.entries
    assert [shown(page, e) for page in pages] == [[e[1].reference], [e[2].reference]]
    assert all("2 of 2 scored" in page for page in pages)
    assert "Grace Hopper" not in "".join(pages)


def test_the_ranking_comes_a_page_at_a_time_keeping_order_and_sort(client, scored, monkeypatch):
    monkeypatch.setattr(results_views, "RANKING_PAGE_SIZE", 2)
    e = scored.entries
    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk])

    first = client.get(url + "?order=normalised&sort=reference").content.decode()
    second = client.get(url + "?order=normalised&sort=reference&page=2").content.decode()

    assert "Entries 1 to 2 of 3" in first and "Entries 3 to 3 of 3" in second
    assert 'href="?order=normalised&amp;sort=reference&amp;page=2"' in first
    assert 'href="?order=normalised&amp;sort=reference&amp;page=1"' in second
    assert shown(first, e) + shown(second, e) == sorted(entry.reference for entry in e)
    # The figures beneath the table are the whole stage's: each judge's cards on every page.
    for page in (first, second):
        assert re.search(r"Bob Judge.*?<td[^>]*>3</td>", page, re.S)


def test_a_ranking_that_fits_one_page_has_no_page_links(client, scored):
    client.force_login(scored.people["chidi"])
    page = client.get(reverse("judging:ranking", args=[scored.stage.pk])).content.decode()
    assert "3 entries" in page and "nhsuk-pagination" not in page


def test_deciding_from_a_later_page_comes_back_to_it(client, scored, monkeypatch):
    monkeypatch.setattr(results_views, "RANKING_PAGE_SIZE", 2)
    client.force_login(scored.people["chidi"])
    url = reverse("judging:ranking", args=[scored.stage.pk]) + "?order=normalised&sort=reference&page=2"
    last = scored.entries[2]
    response = client.post(url, {"entries": [last.pk], "action": "record", "outcome": "shortlisted", "reason": ""})
    assert response.status_code == 302 and response.url == url
    assert last.decision.outcome == "shortlisted"
