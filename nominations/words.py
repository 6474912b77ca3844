"""Counting words the way the browser does.

NHS.UK's character-count component counts the word-like segments that the
browser's Intl.Segmenter finds. Chromium's rules, which our browser tests check
this against: letters joined by an apostrophe stay one word ("it's", "O'Neill"),
but a full stop or colon between letters splits ("e.g" is 2, "10:30" is 2);
digits joined by a comma, point, semicolon or apostrophe stay one number
("3,000", "2.5"); a hyphen or slash splits ("state-of-the-art" is 4); emoji and
punctuation are not words; combining marks belong to their word. Chinese and
Japanese are split where the script changes (the browser uses a dictionary, so
long runs of ideographs may count differently there).
"""

import regex

_WORD_CHAR = r"[\p{L}\p{N}\p{M}\p{Pc}--[\p{Han}\p{Hiragana}\p{Katakana}]]"
_JOINED = (
    rf"{_WORD_CHAR}+"
    rf"(?:(?:(?<=\p{{L}}\p{{M}}*)['\u2019\u00b7](?=\p{{L}})|(?<=\p{{N}})[,.;'\u2019](?=\p{{N}})){_WORD_CHAR}+)*"
)
_SEGMENT = regex.compile(rf"\p{{Han}}+|[\p{{Hiragana}}\u30fc]+|[\p{{Katakana}}\u30fc]+|{_JOINED}", regex.V1)


def count_words(text: str | None) -> int:
    """How many words the NHS.UK character count shows for this text."""
    if not text:
        return 0
    return len(_SEGMENT.findall(text))


_GRAPHEME = regex.compile(r"\X")


def count_characters(text: str | None) -> int:
    """Characters as a person counts them: an emoji or an accented letter is one (grapheme clusters)."""
    return len(_GRAPHEME.findall(text)) if text else 0
