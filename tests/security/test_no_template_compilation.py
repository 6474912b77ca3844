"""No string that holds data is ever compiled as a template.

Text typed by the public (answers) and by the office (section titles and intros, criterion
titles and descriptions) reaches pages through crispy layouts. crispy's own `HTML` and
`Fieldset` compile their text as a Django template with the page's context, so `{{ … }}` in
an answer ran on the judge's scoring page. Our layouts (plaudit.layout) take rendered HTML
or escape text. The source check keeps anyone from reaching for the compiling ones again.
"""

import ast
import pathlib
import re

import pytest
from django.urls import reverse

from awards.models import Criterion, Section
from nominations.models import Answer

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ["awards", "audit", "judging", "nominations", "plaudit", "config", "privacy", "results", "demo"]
# crispy layout objects that compile a string they are given as a template.
COMPILING = {"HTML", "Fieldset", "Submit", "Button", "Reset", "Hidden", "BaseInput", "Alert", "Tab", "TabHolder"}
RUN = "{{ 4000|add:3 }}"  # compiled, it would read 4003
NOW = '{% now "Y" %}'
# What the payload prints if compiled: the sum, then the year. Not "4003" alone, which a page's
# CSRF token or an id may hold by chance.
COMPILED = re.compile(r"4003 \d{4}")
PAYLOAD = f"{RUN} {NOW} {{{{ request.COOKIES }}}} {{% for n in nominations %}}{{{{ n }}}}{{% endfor %}} <u>under</u>"


def _modules():
    for app in APPS:
        folder = ROOT / app
        if folder.exists():
            yield from (path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def test_no_module_uses_a_compiling_layout_or_compiles_a_string():
    found = []
    for path in _modules():
        if path == ROOT / "plaudit" / "layout.py":
            continue  # where the safe layouts are defined, on top of crispy's Fieldset
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crispy_forms"):
                found += [f"{path}: {a.name}" for a in node.names if a.name in COMPILING]
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in {"Template", "from_string"}:
                    found.append(f"{path}:{node.lineno}: {name}(...)")
    assert found == []


def test_an_answer_holding_template_code_is_text_on_the_scoring_page(client, panel):
    entry = panel.entries[1]
    Answer.objects.filter(nomination=entry.nomination, question__key="story").update(value=PAYLOAD)
    client.force_login(panel.people["bob"])
    response = client.get(reverse("judging:score", args=[panel.stage.pk, entry.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "{{ 4000|add:3 }}" in page and "{% now &quot;Y&quot; %}" in page
    assert not COMPILED.search(page)
    assert "sessionid" not in page
    assert "&lt;u&gt;under&lt;/u&gt;" in page and "<u>under</u>" not in page


def test_office_text_is_text_on_the_scoring_page_and_the_nomination_form(client, panel):
    Criterion.objects.filter(key="impact").update(title=f"Impact {PAYLOAD}", description=f"Read it. {PAYLOAD}")
    Section.objects.filter(award=panel.stage.award).update(title=f"Story {PAYLOAD}", intro=f"Intro {PAYLOAD}")
    client.force_login(panel.people["bob"])
    page = client.get(reverse("judging:score", args=[panel.stage.pk, panel.entries[1].pk])).content.decode()
    assert page.count("{{ 4000|add:3 }}") >= 2  # the criterion's legend and its description
    assert "<u>under</u>" not in page
    assert not COMPILED.search(page)


@pytest.mark.parametrize("where", ["title", "intro"])
def test_section_text_is_text_on_the_nomination_form(db, where):
    from nominations.builder import AwardForm
    from tests.factories import QuestionFactory

    question = QuestionFactory()
    Section.objects.filter(pk=question.section_id).update(**{where: PAYLOAD})
    award = question.award
    from django.template import Context, Template  # the test itself renders the form, as a page does

    form = AwardForm(award=award)
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form, "nominations": [1]}))
    assert "{{ 4000|add:3 }}" in html and not COMPILED.search(html)
    assert "<u>under</u>" not in html
