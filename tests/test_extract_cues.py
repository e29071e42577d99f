"""Typing cues added for real releases: each test is a sentence written for the project that a
release about a company nobody here has heard of could contain."""

from __future__ import annotations

import pytest

from mobkg.extract import extract_release
from mobkg.extract.lexicon import load_lexicon
from mobkg.release import Release, SourceFormat
from mobkg.vocab import EntityType

T = EntityType


def extract(*paragraphs: str, title: str = "A release"):
    return extract_release(Release("cue.txt", title, paragraphs, "0" * 64, SourceFormat.TEXT))


def types(extraction) -> dict[str, EntityType]:
    found = {}
    for entity in extraction.entities:
        for name in entity.names():
            found[name] = entity.type
    return found


def facts(extraction) -> set[tuple[str, str, str]]:
    label = {e.key: e.label for e in extraction.entities}
    return {(label[f.subject], f.predicate.value, label[f.object]) for f in extraction.facts}


def test_the_head_noun_of_an_apposition_types_the_name():
    got = types(extract("Quillon Fleet, an electric vehicle management technology developer, signed a deal."))
    assert got.get("Quillon Fleet") is T.COMPANY


def test_a_participle_or_preposition_ends_the_apposition():
    got = types(extract("Norvik introduced Tessa, a humanoid robot designed with a university lab."))
    assert got.get("Tessa") is T.PRODUCT
    veteran = types(extract("It was founded by Joseph K. Marlow, a 30-year AI systems veteran."))
    assert veteran.get("Joseph K. Marlow") is T.PERSON


@pytest.mark.parametrize("name", ["Government of Westmark", "Ministry of Digital Affairs",
                                  "Harlan County Police Department", "Federal Rail Administration"])
def test_public_bodies_are_organisations(name):
    assert types(extract(f"The programme is backed by the {name} and two banks.")).get(name) is T.COMPANY


def test_a_given_name_makes_a_person_and_the_organisation_after_from():
    extraction = extract("The chief executive joined Jonathan Pell from Quillon Media to discuss the plan.")
    assert types(extraction).get("Jonathan Pell") is T.PERSON
    assert ("Jonathan Pell", "worksFor", "Quillon Media") in facts(extraction)


def test_a_possessive_before_a_person_names_the_employer():
    extraction = extract("The chief executive told Quillon Media's Stephen Arkwright that the plant is ready.")
    assert types(extraction).get("Quillon Media") is T.COMPANY
    assert ("Stephen Arkwright", "worksFor", "Quillon Media") in facts(extraction)


def test_bylines_credits_and_lone_names_are_not_people():
    extraction = extract("By Meg Tolland, Quillon Wire", "Norvik Motors opened a plant.",
                         "Feature photo by Daniel Orme on Unsplash.", "Gregory Vance")
    people = {n for n, t in types(extraction).items() if t is T.PERSON}
    assert people == set()


def test_post_nominal_letters_sit_between_a_name_and_a_title():
    extraction = extract("“It works,” said Bill Tarrow, CAE, CEO of Norvik Motors.")
    assert ("Bill Tarrow", "worksFor", "Norvik Motors") in facts(extraction)
    assert "CAE" not in types(extraction)


def test_a_title_without_an_organisation_is_the_sentences_organisation():
    extraction = extract("Norvik Motors opened a plant in Lyon. CEO Marta Quell said the plant is ready.")
    assert ("Marta Quell", "worksFor", "Norvik Motors") in facts(extraction)


def test_our_partner_is_an_organisation_not_a_title():
    got = types(extract("“Our work with our partner Vantor Mobilité shows the way,” said the chief executive."))
    assert got.get("Vantor Mobilité") is not T.PERSON


def test_a_known_name_after_a_connector_is_cut_out_of_an_untyped_run():
    extraction = extract("Norvik Motors is a carmaker.",
                         "“We are ready,” said Matt Orr, Vice President of Utility Market Development for Norvik Motors.")
    assert ("Matt Orr", "worksFor", "Norvik Motors") in facts(extraction)
    assert "Utility Market Development for Norvik Motors" not in types(extraction)


def test_city_and_postal_code_name_the_city_and_its_state():
    got = types(extract("The drone was shown at a fair in Oshkosh, WI, on Monday."))
    assert got.get("Oshkosh") is T.PLACE
    assert got.get("Wisconsin") is T.PLACE or got.get("WI") is T.PLACE


def test_acronyms_in_a_list_are_not_a_city_and_its_state():
    got = types(extract("He raised capital through VC, PE, family offices and banks."))
    assert got.get("VC") is not T.PLACE


def test_initials_keep_their_period_inside_a_name():
    got = types(extract("The firm was founded by Walter P. Harrow in 1925."))
    assert got.get("Walter P. Harrow") is T.PERSON
    assert "Walter P" not in got


@pytest.mark.parametrize("word", ["Ultimately", "Nonetheless", "Still"])
def test_discourse_adverbs_are_not_names(word):
    assert word not in types(extract(f"{word}, Norvik Motors expects sales to grow this year."))


def test_securities_identifiers_and_compound_adjectives_are_not_names():
    got = types(extract("Norvik Motors AG (ISIN: CH0000000042, WKN: A1BC 23) sells AI-powered vans with 800V packs."))
    assert not {"A1BC 23", "CH0000000042", "AI-powered", "800V"} & set(got)


def test_a_trademark_sign_between_a_name_and_its_head_noun():
    extraction = extract("Norvik Motors said its Quillgate® analytics software now runs in 40 cities.")
    assert types(extraction).get("Quillgate") is T.TECHNOLOGY


def test_a_newswires_own_about_section_is_not_the_release():
    extraction = extract("Norvik Motors opened a plant in Lyon.",
                         "About InvestorWire",
                         "InvestorWire is a specialized communications platform with 5,000 syndication outlets.",
                         "About Norvik Motors",
                         "Norvik Motors is a carmaker building commercial electric vehicles.")
    assert ("Norvik Motors", "activeIn", "commercial electric vehicles") in facts(extraction)
    assert "InvestorWire" not in types(extraction)
    assert not any(o == "specialized communications" for _, _, o in facts(extraction))


def test_sector_frames():
    extraction = extract("Norvik, a leader in the industry for electric mopeds, opened a store.",
                         "Quillon is an emerging energy company focused on advancing EV charging solutions, "
                         "solar infrastructure, and battery storage.")
    got = facts(extraction)
    assert {("Norvik", "activeIn", "electric mopeds"), ("Quillon", "activeIn", "EV charging"),
            ("Quillon", "activeIn", "solar infrastructure")} <= got


def test_headquarters_from_a_place_based_descriptor():
    got = facts(extract("Quillon Motors is a Toronto-based maker of delivery vans."))
    assert ("Quillon Motors", "headquarteredIn", "Toronto") in got


def test_agreements_inked_with_a_partner_and_the_company_is_the_first_company():
    got = facts(extract("Norvik Motors CFO Ana Vale joined Tom Pike from Quillon Media to say the company "
                        "finalized an engineering services agreement with Harlow Lighting Corporation."))
    assert ("Norvik Motors", "partnerOf", "Harlow Lighting") in got or \
        ("Harlow Lighting", "partnerOf", "Norvik Motors") in got
    assert not any("Quillon Media" in (s, o) and p == "partnerOf" for s, p, o in got)


def test_the_given_names_list_is_data_and_has_no_common_words():
    names = load_lexicon().given_names
    assert len(names) > 3000
    assert {"jonathan", "priya", "hiroshi", "olga"} <= names
    assert not {"may", "june", "will", "hope", "grace", "mercedes", "tesla", "lincoln"} & names


def test_a_marque_named_only_at_the_head_of_its_models_is_a_brand():
    extraction = extract("Among the cars was a Subaru Impreza WRX STI with a new livery.")
    assert types(extraction).get("Subaru") is T.BRAND
    assert any(s == "Subaru" and p == "produces" for s, p, _ in facts(extraction))
