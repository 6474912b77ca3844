"""Ids from forms: only plain digits, in range; anything else is no id (never a server error)."""

from hypothesis import given
from hypothesis import strategies as st

from plaudit.ids import ID_MAX, USER_ID_MAX, is_whole_number, posted_id


def test_digits_that_int_refuses_are_not_ids():
    # "²" and "١" (Arabic-Indic one) pass str.isdigit; int("²") is a ValueError.
    for text in ("²", "1²", "١", "٣٤", "", "-1", "0", " 7 "):
        assert posted_id(text) in (None, 7)
    assert posted_id(" 7 ") == 7 and posted_id("²") is None and not is_whole_number("²")


@given(st.text(max_size=25))
def test_any_posted_text_is_an_id_in_range_or_none(text):
    for maximum in (USER_ID_MAX, ID_MAX):
        found = posted_id(text, maximum=maximum)
        assert found is None or (0 < found <= maximum and str(found) == text.strip().lstrip("0"))
