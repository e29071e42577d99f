"""General extraction capabilities, each on sentences written for this test about invented companies.

Each test names the capability; a rule is only worth having if it fires on a company nobody has heard of.
"""

from __future__ import annotations

import pytest

from mobkg.extract import extract_release
from mobkg.release import Release, SourceFormat, parse_dateline


def facts_of(*blocks: str, title: str = "A release") -> set[tuple[str, str, str]]:
    extraction = extract_release(Release("t.txt", title, blocks, "0" * 64, SourceFormat.TEXT))
    label = {e.key: e.label for e in extraction.entities}
    return {(label[f.subject], f.predicate.value, label[f.object]) for f in extraction.facts}


def entities_of(*blocks: str) -> set[tuple[str, str]]:
    extraction = extract_release(Release("t.txt", "A release", blocks, "0" * 64, SourceFormat.TEXT))
    return {(e.type.value, e.label) for e in extraction.entities}


def test_a_foundation_joined_as_a_member_is_a_membership_body():
    facts = facts_of("Quillon Robotics has joined the newly formed Open Curb Foundation as a premium member.")
    assert ("Quillon Robotics", "memberOf", "Open Curb Foundation") in facts
    assert ("Alliance", "Open Curb Foundation") in entities_of("Quillon Robotics has joined the Open Curb Foundation.")


def test_a_person_joining_a_company_does_not_make_it_an_alliance():
    found = entities_of("Marta Quill will join the Velbrook leadership team in June, Velbrook Motors said.")
    assert not any(kind == "Alliance" for kind, _ in found)


def test_we_in_a_quote_is_the_speakers_organisation():
    facts = facts_of("“We are thrilled to be joining the Open Curb Foundation. Our robots need open maps,” said "
                     "Ines Moreau, Chief Technology Officer of Quillon Robotics.")
    assert ("Ines Moreau", "worksFor", "Quillon Robotics") in facts
    assert ("Quillon Robotics", "memberOf", "Open Curb Foundation") in facts


@pytest.mark.parametrize("sentence", [
    "“The pilot worked,” said Tomas Berg, vice president open source software, Harrowgate Systems.",
    "“The pilot worked,” said Tomas Berg, Harrowgate Systems founder and CEO.",
    "Tomas Berg, Harrowgate Systems’ former Chief Financial Officer, left in May.",
    "Harrowgate Systems has named Tomas Berg as its new Chief Financial Officer.",
])
def test_attribution_and_appointment_frames_give_works_for(sentence):
    assert ("Tomas Berg", "worksFor", "Harrowgate Systems") in facts_of(sentence)


def test_a_department_after_a_title_is_not_an_organisation():
    found = entities_of("“It works,” said Ines Moreau, Head of Urban Robotics Lab, VP at Corvina Motors.")
    assert ("Company", "Urban Robotics Lab") not in found and ("Company", "Corvina Motors") in found


@pytest.mark.parametrize(("sentence", "sector"), [
    ("Lisbon-based delivery robotics company Quillon Robotics opened a depot.", "delivery robotics"),
    ("Harrowgate Systems, the leading fleet telematics provider, signed the deal.", "fleet telematics"),
    ("Harrowgate Systems is a global leading motion control technology company.", "motion control technology"),
    ("Harrowgate Systems supplies customers in the rail, marine and energy sectors.", "marine"),
])
def test_business_field_descriptors_are_sectors(sentence, sector):
    assert any(p == "activeIn" and o == sector for _, p, o in facts_of(sentence))


def test_praise_is_not_a_sector():
    assert not any(p == "activeIn" for _, p, _ in facts_of("Harrowgate Systems is the world's largest company."))


def test_financial_terms_are_not_organisations():
    found = entities_of("Velbrook Motors will finance the plant through Green Bonds, Loans and Asset-Backed Notes.")
    assert not {label for _, label in found} & {"Green Bonds", "Loans", "Asset-Backed Notes"}


def test_untyped_names_in_a_list_of_companies_are_companies():
    found = entities_of("Its customers include BYD, Geely, Quorvan and Chery.")
    assert ("Company", "Quorvan") in found


def test_a_surname_refers_to_the_person_named_in_full():
    extraction = extract_release(Release("t.txt", "T", (
        "Velbrook Motors has named Marta Quill as its new Chief Financial Officer.",
        "Quill, who joins in June, previously worked at Harrowgate Systems."), "0" * 64, SourceFormat.TEXT))
    people = [e for e in extraction.entities if e.type.value == "Person"]
    assert [p.label for p in people] == ["Marta Quill"] and "Quill" in people[0].aliases


def test_models_an_engine_powers_are_products():
    found = entities_of("The plant builds the 1.5-liter engine that powers the Velbrook Sora, Tesca and Ardeo.")
    assert {("Product", "Tesca"), ("Product", "Ardeo")} <= found


def test_software_versions_are_technologies():
    found = entities_of("The stack runs on QRX 3.1 and will move to QRX 4 next year.")
    assert ("Technology", "QRX 3.1") in found


@pytest.mark.parametrize(("header", "place", "wire"), [
    ("RELLINGEN, GERMANY - May 18, 2026 (NEWMEDIAWIRE) - Velbrook said", "RELLINGEN, GERMANY", "NEWMEDIAWIRE"),
    ("HANOI, VIETNAM - Media OutReach Newswire - 17 July 2026 - Velbrook said", "HANOI, VIETNAM", "Media OutReach Newswire"),
    ("NEW YORK, NY — April 28, 2026 — (NOTICIAS NEWSWIRE) — Velbrook said", "NEW YORK, NY", "NOTICIAS NEWSWIRE"),
    ("Kendall County, Texas (Newsworthy.ai) Wednesday Jan 28, 2026 @ 7:00 AM Central — Velbrook said",
     "Kendall County, Texas", "Newsworthy.ai"),
    ("PORT COQUITLAM, BC / PR Karma / August 27, 2024 16:15", "PORT COQUITLAM, BC", "PR Karma"),
    ("DALLAS, TX -- September 4th, 2025 -- Velbrook said", "DALLAS, TX", None),
])
def test_datelines_of_many_wires(header, place, wire):
    dateline = parse_dateline(header)
    assert dateline is not None and (dateline.place, dateline.wire) == (place, wire)
    assert dateline.published is not None and dateline.rest in ("Velbrook said", "")  # some wires end the line there
