from datetime import date

import pytest

from mobkg.release import parse_date, parse_dateline, split_correction


@pytest.mark.parametrize(
    "header, place, published, wire, rest",
    [
        ("MUNICH, Germany, March 4, 2025 /PRNewswire/ -- Acme said", "MUNICH, Germany", date(2025, 3, 4), "PRNewswire", "Acme said"),
        ("OSLO, Nov. 3, 2024 -- Text", "OSLO", date(2024, 11, 3), None, "Text"),
        ("PARIS, March 3, 2025 (GLOBE NEWSWIRE) -- Renault", "PARIS", date(2025, 3, 3), "GLOBE NEWSWIRE", "Renault"),
        ("SEOUL, South Korea--(BUSINESS WIRE)--Hyundai", "SEOUL, South Korea", None, "BUSINESS WIRE", "Hyundai"),
        ("HANGZHOU, China, Feb. 14, 2025", "HANGZHOU, China", date(2025, 2, 14), None, ""),
    ],
)
def test_dateline_is_split_off(header, place, published, wire, rest):
    found = parse_dateline(header)
    assert (found.place, found.published, found.wire, found.rest) == (place, published, wire, rest)


@pytest.mark.parametrize("sentence", ["The company said on Monday it would grow.", "In 2025, sales rose."])
def test_ordinary_sentences_have_no_dateline(sentence):
    assert parse_dateline(sentence) is None


def test_invalid_dates_are_none():
    assert parse_date("Feb. 31, 2025") is None
    assert parse_date("no date here") is None


def test_correction_without_notice_takes_next_headline():
    headline, rest = split_correction(["/C O R R E C T I O N -- Acme Motors/", "Acme Unveils X", "Body."])
    assert headline == "Acme Unveils X"
    assert rest == ["Acme Unveils X", "Body."]
