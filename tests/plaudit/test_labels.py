"""Labels say "(optional)" once, and only where it is true."""

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms

from judging.conflicts import DeclarationRow
from judging.forms import DeclarationForm
from nominations.forms import IdentityForm
from tests.factories import AwardFactory

pytestmark = pytest.mark.django_db


class Evidence(forms.Form):
    evidence = forms.CharField(label="Supporting evidence (optional)", required=False)
    story = forms.CharField(label="What did they do?")
    partners = forms.CharField(label="Partners", required=False)


def test_an_optional_field_says_so_once():
    html = render_crispy_form(Evidence())
    assert "Supporting evidence (optional)</label>" in html and "(optional) (optional)" not in html
    assert "Partners (optional)</label>" in html and "What did they do? (optional)" not in html


def test_the_nominators_organisation_says_optional_once():
    html = render_crispy_form(IdentityForm(award=AwardFactory(nominee="individual")))
    assert "Your organisation (optional)</label>" in html and "(optional) (optional)" not in html


def test_a_reason_needed_when_rejecting_a_suggestion_is_not_called_optional():
    rows = [
        DeclarationRow("n1", "Grace Hopper", (1,), "you work at Northfield NHS Trust"),
        DeclarationRow("n2", "Alan Turing", (2,), None),
    ]
    html = render_crispy_form(DeclarationForm(rows=rows))
    assert "Your reason</label>" in html and "Your reason (optional)" not in html
    assert "Needed if you say there is no conflict" in html
    assert "Reason (optional)</label>" in html  # no suggestion: a reason is truly optional
