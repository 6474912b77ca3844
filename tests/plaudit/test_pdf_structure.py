"""Every PDF Plaudit makes is a tagged PDF a screen reader can follow (PDF/UA-1): a language, a
title shown as the window title, every page tagged, and headings that never skip a level
(rule 7.4.2). The structure tree is walked with pikepdf, not the text."""

import io
import re

import pikepdf
import pytest
from django.urls import reverse
from pypdf import PdfReader

from nominations import selectors as nomination_selectors
from plaudit.pdf import render_pdf
from results import ranking, shortlist

pytestmark = pytest.mark.django_db


def structure_problems(pdf: bytes) -> list[str]:
    """What breaks PDF/UA-1's rules on language, title, tagging and heading order."""
    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        if not str(root.get("/Lang", "")).strip():
            problems.append("no /Lang on the document")
        with document.open_metadata() as meta:
            title = meta.get("dc:title", "")
        if not str(title).strip() and not str(document.docinfo.get("/Title", "")).strip():
            problems.append("no title")
        preferences = root.get("/ViewerPreferences", {})
        if not bool(preferences.get("/DisplayDocTitle", False)):
            problems.append("the viewer is not told to show the title")
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("not marked as tagged")
        if "/StructTreeRoot" not in root:
            problems.append("no structure tree")
            return problems
        for number, page in enumerate(document.pages, start=1):
            if "/StructParents" not in page.obj:
                problems.append(f"page {number} is not tagged")
        levels = []

        def walk(node, depth=0):
            if depth > 200:
                return
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child, depth + 1)
                return
            if not isinstance(node, pikepdf.Dictionary):
                return
            role = str(node.get("/S", ""))
            match = re.fullmatch(r"/H([1-6])", role)
            if match:
                levels.append(int(match.group(1)))
            if "/K" in node:
                walk(node["/K"], depth + 1)

        walk(root.StructTreeRoot.get("/K"))
        if not levels or levels[0] != 1:
            problems.append(f"the first heading is not H1 ({levels[:1]})")
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"a heading skips from H{before} to H{after}")
    return problems


def typography_problems(pdf: bytes) -> list[str]:
    """Fonts other than the body's sans serif (page numbers fell back to a serif), and times
    with a doubled full stop ("11:28 a.m..")."""
    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for font in page.Resources.get("/Font", {}).values():
                name = str(font.get("/BaseFont", ""))
                if "Serif" in name.replace("Sans", "") or "Times" in name:
                    problems.append(f"page {number} uses {name}")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    problems += [f"a doubled full stop: {m}" for m in re.findall(r"\d[ap]\.m\.\.|[ap]\.m\.\.", text)]
    return problems


def test_the_checker_finds_what_it_is_for():
    from plaudit.pdf import html_to_pdf

    good = html_to_pdf(
        '<html lang="en"><head><title>T</title></head><body><h1>A</h1><h2>B</h2><h2>C</h2></body></html>'
    )
    assert structure_problems(good) == []
    skipped = html_to_pdf('<html lang="en"><head><title>T</title></head><body><h1>A</h1><h3>B</h3></body></html>')
    assert structure_problems(skipped) == ["a heading skips from H1 to H3"]
    serif = html_to_pdf(
        '<html lang="en"><head><style>@page { @bottom-right { content: counter(page) } }</style>'
        '<title>T</title></head><body style="font-family: sans-serif"><h1>A</h1><p>At 9:00 a.m..</p></body></html>'
    )
    assert len(typography_problems(serif)) == 2
    bare = html_to_pdf("<html><body><h2>A</h2></body></html>")
    problems = structure_problems(bare)
    assert "no /Lang on the document" in problems and "no title" in problems
    assert any(p.startswith("the first heading is not H1") for p in problems)


@pytest.fixture
def with_a_dossier(scored):
    """Alan Turing's and Ada Byron's nominations merged into one dossier, judged as one entry (an
    entry of two statements has a heading per statement)."""
    from judging.models import Assignment, Entry
    from nominations import domain

    e = scored.entries
    dossier = domain.dossier_merge(nominations=[e[1].nomination, e[2].nomination])
    entry = Entry.objects.create(stage=scored.stage, dossier=dossier)
    Assignment.objects.create(entry=entry, judge=scored.people["bob"])
    return scored


def test_the_shortlist_pack_is_well_structured(with_a_dossier):
    scored = with_a_dossier
    results = ranking.stage_results(scored.stage, scored.people["root"])
    pdf = shortlist.shortlist_pdf(results)
    assert structure_problems(pdf) == [] and typography_problems(pdf) == []
    blind = ranking.stage_results(scored.stage, scored.people["root"], blind=True)
    assert structure_problems(shortlist.shortlist_pdf(blind)) == []


def test_the_reading_pack_is_well_structured(client, with_a_dossier):
    scored = with_a_dossier
    client.force_login(scored.people["bob"])
    response = client.get(reverse("judging:reading_pack", args=[scored.stage.pk]))
    assert response.status_code == 200
    assert structure_problems(response.content) == [] and typography_problems(response.content) == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alan Turing" in text and "Ada Byron" in text  # the dossier's two statements


def test_the_receipt_is_well_structured(scored):
    nomination = scored.entries[1].nomination
    pdf = render_pdf("nominations/receipt_pdf.html", nomination_selectors.receipt_context(nomination))
    assert structure_problems(pdf) == [] and typography_problems(pdf) == []
