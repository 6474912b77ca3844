"""Word counts agree: the server counts what NHS.UK's character count shows in Chromium."""

import pytest
from playwright.sync_api import expect

from nominations.words import count_words
from tests.e2e.conftest import assert_accessible
from tests.factories import AwardFactory, QuestionFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = [
    "state-of-the-art care",
    "it's 3,000 staff",
    "Caring 💙 for everyone",
    "- bullet one\n- bullet two\n• bullet three",
    "e.g. the ward",
    "U.K. NHS",
    "3.5 hours",
    "£3,000.50",
    "50% of patients",
    "24/7 service",
    "A&E",
    "co-production",
    "don't won't can't",
    "she’s here",
    "email me: a.b@nhs.net",
    "www.nhs.uk/page",
    "1st 2nd 3rd",
    "9am-5pm",
    "x_y_z",
    "Café naïve résumé",
    "日本語のテキスト",
    "مرحبا بالعالم",
    "Привет мир",
    "😀😀 😀",
    "🇬🇧 flag",
    "—dash—",
    "...",
    "  ",
    "word.word",
    "1.2.3",
    "a'b'c",
    "'quoted'",
    '"double"',
    "(brackets)",
    "[1] ref",
    "#hashtag @mention",
    "C++ and C#",
    "10:30",
    "10:30am",
    "v2.0",
    "O'Neill",
    "rock'n'roll",
    "Mr. Smith",
    "Dr.Jones",
    "1,2,3",
    "3,000,000",
    "x=1",
    "a/b",
    "l'hôpital",
    "Ünïcödé",
    "tab\there",
    "ﬁnance",
    "𝐁𝐨𝐥𝐝",
    "ह िन्दी",
    "A1B2",
    "a:b",
    "a·b",
    "1'000",
    "it’s state-of-the-art care: 3,000 staff, 24/7 💙",
    "Line one\n\nLine two\n  • a bullet\n  • another, with 2.5 hours",
]

SEGMENTER = (
    "texts => texts.map(t => [...new Intl.Segmenter('en', {granularity: 'word'}).segment(t)]"
    ".filter(s => s.isWordLike).length)"
)


def test_the_server_counts_every_sample_as_the_browser_does(page):
    page.set_content("<p>word counts</p>")
    browser_counts = page.evaluate(SEGMENTER, SAMPLES)
    assert {text: count_words(text) for text in SAMPLES} == dict(zip(SAMPLES, browser_counts, strict=True))


def test_the_character_count_and_the_server_agree_on_a_long_answer(page, live_server, sign_in):
    award = AwardFactory(title="Word Award")
    question = QuestionFactory(section=SectionFactory(award=award), key="story", prompt="Tell us", max_words=400)
    sign_in(UserFactory(username="ada", is_staff=True, is_superuser=True))
    page.goto(f"{live_server.url}/admin/awards/award/{award.pk}/preview/")
    story = page.get_by_label("Tell us")

    story.fill("state-of-the-art care")
    expect(page.locator(".nhsuk-character-count__status")).to_have_text("You have 395 words remaining")

    pasted = " ".join(["it’s"] * 200 + ["3,000"] * 200 + ["state-of-the-art"] * 9 + ["care"])  # 437 words
    assert count_words(pasted) == 437
    story.fill(pasted)
    expect(page.locator(".nhsuk-character-count__status")).to_have_text("You have 37 words too many")
    page.get_by_role("button", name="Check these answers").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Your answer to “Tell us” must be 400 words or fewer. You wrote 437 words."
    )
    # Nothing was cut: the whole answer is still in the box.
    expect(page.get_by_label("Tell us")).to_have_value(pasted)
    assert_accessible(page)
    assert question.max_words == 400
