"""No label, heading or table heading breaks in the middle of a word, on a phone, a tablet or a
laptop: the scoring page, the ranking and the explanation, with criteria titles as long as real
awards' ("Sustainability and spread of the improvement")."""

import pytest

from awards.models import Criterion
from tests.e2e.conftest import sign_in_to_panels

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_WORDS = """() => {
  const broken = [];
  const selector = "label, legend, dt, th, h1, h2, h3, .nhsuk-tag, .nhsuk-button, caption";
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = /[^\\s–—-]+/g;
      let match;
      while ((match = words.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${match[0]} (${element.tagName.toLowerCase()}.${element.className})`);
      }
    }
  }
  return broken;
}"""

WIDTHS = {"phone": 375, "tablet": 768, "laptop": 1280}


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_no_word_is_broken_across_lines(browser, live_server, scored, device):
    Criterion.objects.filter(key="impact").update(title="Sustainability and spread of the improvement")
    context = browser.new_context(viewport={"width": WIDTHS[device], "height": 900}, locale="en-GB")
    page = context.new_page()
    stage, entry = scored.stage, scored.entries[1]
    sign_in_to_panels(page, live_server.url, "chidi")
    broken = {}
    for name, path in [
        ("ranking", f"/judging/stages/{stage.pk}/ranking/"),
        ("explain", f"/judging/stages/{stage.pk}/ranking/{entry.pk}/"),
        ("progress", f"/judging/stages/{stage.pk}/progress/"),
    ]:
        page.goto(live_server.url + path)
        broken[name] = page.evaluate(BROKEN_WORDS)
    judge = browser.new_context(viewport={"width": WIDTHS[device], "height": 900}, locale="en-GB").new_page()
    sign_in_to_panels(judge, live_server.url, "bob")
    judge.goto(f"{live_server.url}/judging/stages/{stage.pk}/entries/{scored.entries[0].pk}/")
    broken["scoring"] = judge.evaluate(BROKEN_WORDS)
    assert {name: words for name, words in broken.items() if words} == {}
    context.close()
