"""The package files shipped in packages/ are valid and say what the source documents say."""

from __future__ import annotations

from typing import Any

import pytest

from klyngepakke.catalogue.models import Package, PackageVersion
from klyngepakke.core.catalogue_files import read_catalogue
from klyngepakke.core.regions import REGION_CODES

from .helpers import SHIPPED, run_load

# Seed 003, section 4 ("Målepunkter"): the questions in the package's own wording.
SEED_003_QUESTIONS = {
    "q1_leadership_effort": (
        "Som klinikkens leder(e) gør jeg/vi en indsats løbende for at få alle medarbejdere til at arbejde "
        "sammen om de indsatsområder, vi har besluttet og om de resultater, vi som klinik ønsker at opnå?"
    ),
    "q2_leadership_tasks": "I hvilken grad arbejder vi med følgende opgaver i klinikledelsen?",
    "q3_leadership_team": "I hvilken grad forholder I jer til personlige forhold, samarbejde og trivsel i lederteamet?",
    "q4_doctors_meetings": "Hvor ofte afholder I følgende lægemøder?",
    "q5_meetings": "Hvor ofte afholder I følgende møder og sociale arrangementer for alle i klinikken?",
    "q6_shared_breaks": "I hvilket omfang har I planlagt fælles pauser?",
    "q7_culture": (
        "Når du tænker på samarbejdet med dine lægekolleger og med praksispersonalet, hvor enig er du så i "
        "følgende udsagn?"
    ),
    "q8_support_received": (
        "I hvor høj grad oplever du at få den støtte du kunne ønske dig fra dine lægekolleger i og/eller "
        "udenfor klinikken?"
    ),
    "q9_support_given": "I hvor høj grad er du opmærksom på at støtte dine lægekolleger i og/eller udenfor klinikken?",
    "q10_support_activities": "I hvor høj grad oplever du betydningsfuld kollegial støtte ved følgende aktiviteter?",
}

SEED_003_ITEMS = {
    "q2_leadership_tasks": ["Strategisk ledelse", "Driftsledelse", "Personaleledelse", "Faglig ledelse"],
    "q4_doctors_meetings": [
        "Kortere lægemøder (op til halvanden times varighed)",
        "Længere lægemøder (længere end halvanden time)",
    ],
    "q5_meetings": [
        "Korte møder af orienterende karakter",
        "Undervisning",
        "Supervision af personale",
        "Supervision af uddannelseslæger",
        "Personalemøder",
        "Sociale arrangementer",
    ],
    "q6_shared_breaks": ["Formiddagspauser", "Frokostpauser", "Eftermiddagspauser"],
    "q7_culture": [
        "Har vi fokus på trivsel",
        "Hjælper vi hinanden",
        "Er vi gode til at tale om svære emner og løse problemer sammen",
        "Prøver vi at lære af vores fejl",
        "Roser og anerkender vi hinanden",
        "Har vi en god tone",
        "Fylder brok meget lidt",
        "Giver vi brugbar feedback til kolleger",
    ],
    "q10_support_activities": ["Lægekurser", "DGE-gruppe", "Supervisionsgruppe", "Klyngemøder"],
}

PARTNERSHIP_ONLY = {"show_if": {"question": "practice_type", "in": ["partnership"]}}


@pytest.fixture(scope="module")
def packages() -> dict[str, dict[str, Any]]:
    read = read_catalogue(SHIPPED)
    assert read.errors == []
    return {p.code: p.document for p in read.packages}


def questions(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for section in document["questionnaire"]["sections"] for q in section["questions"]]


def question(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(q for q in questions(document) if q["code"] == code)


def scale_of(document: dict[str, Any], q: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in document["questionnaire"]["scales"] if s["code"] == q["scale"])


def test_all_shipped_packages_resolve(packages):
    assert set(packages) == {
        "samarbejde-og-faellesskab",
        "trivsel-og-arbejdsglaede",
        "opfoelgning-trivsel-og-arbejdsglaede",
    }
    assert {d["version"] for d in packages.values()} == {"2026.1"}


@pytest.mark.django_db
def test_load_catalogue_command_loads_the_shipped_folder():
    out, err = run_load(SHIPPED)
    assert err == ""
    assert Package.objects.count() == 3
    assert PackageVersion.objects.count() == 3
    for package in Package.objects.all():
        assert package.current_version is not None
        assert package.current_version.number == 1
        assert f"{package.code} (2026.1)" in out


class TestSamarbejdeOgFaellesskab:
    @pytest.fixture
    def doc(self, packages):
        return packages["samarbejde-og-faellesskab"]

    def test_practice_type_is_asked_first(self, doc):
        first = questions(doc)[0]
        assert first["code"] == "practice_type"
        assert first["type"] == "single"
        assert [o["code"] for o in first["options"]] == ["solo", "partnership"]

    def test_ten_numbered_questions_in_order_with_the_seed_wording(self, doc):
        numbered = [q for q in questions(doc) if q["code"] != "practice_type"]
        assert [q["code"] for q in numbered] == list(SEED_003_QUESTIONS)
        for q in numbered:
            assert q["text"]["da"].startswith(SEED_003_QUESTIONS[q["code"]])

    def test_items_of_each_question(self, doc):
        counts = {q["code"]: len(q.get("items", [])) for q in questions(doc)}
        assert {code: n for code, n in counts.items() if n} == {
            "q2_leadership_tasks": 4,
            "q4_doctors_meetings": 2,
            "q5_meetings": 6,
            "q6_shared_breaks": 3,
            "q7_culture": 8,
            "q10_support_activities": 4,
        }
        for code, texts in SEED_003_ITEMS.items():
            assert [i["text"]["da"] for i in question(doc, code)["items"]] == texts

    def test_four_themes_as_sections(self, doc):
        sections = doc["questionnaire"]["sections"]
        assert [s["title"]["da"] for s in sections[1:]] == [
            "Ledelse af klinikken",
            "Struktur for samarbejdet i klinikken",
            "Samarbejdskultur og fællesskab i klinikken",
            "Kollegial støtte og fællesskab blandt læger i og udenfor klinikken",
        ]

    def test_solo_doctors_skip_the_leadership_team_and_doctors_meetings(self, doc):
        routed = {q["code"]: q["show_if"] for q in questions(doc) if "show_if" in q}
        assert routed == {
            "q3_leadership_team": PARTNERSHIP_ONLY["show_if"],
            "q4_doctors_meetings": PARTNERSHIP_ONLY["show_if"],
        }
        assert not any("show_if" in s for s in doc["questionnaire"]["sections"])

    def test_scales_are_marked_as_the_products_choice(self, doc):
        used = {q["scale"] for q in questions(doc) if "scale" in q}
        scales = {s["code"]: s for s in doc["questionnaire"]["scales"]}
        assert used == set(scales)
        for scale in scales.values():
            assert scale["own_choice"] is True
            assert "produktets eget valg" in scale["note"]
            for option in scale["options"]:
                if option["label"]["da"] == "Ikke relevant":
                    assert "value" not in option  # null: outside the scale
                else:
                    assert isinstance(option["value"], (int, float))
        assert [o["label"]["da"] for o in scales["degree"]["options"]] == [
            "I meget høj grad",
            "I høj grad",
            "I nogen grad",
            "I ringe grad",
            "Slet ikke",
        ]
        assert scales["agreement"]["options"][0]["label"]["da"] == "Helt enig"
        assert scales["agreement"]["options"][-1]["label"]["da"] == "Helt uenig"

    def test_program_follows_section_5(self, doc):
        program = doc["program"]
        assert program["default_minutes"] == 150
        assert [b["minutes"] for b in program["blocks"]] == [0, 10, 65, 15, 25, 35]
        assert sum(b["minutes"] for b in program["blocks"]) == 150

    def test_reflection_questions_solo_doctors_skip(self, doc):
        reflections = {
            r["code"]: r["for_solo"] for b in doc["program"]["blocks"] for r in b.get("reflection_questions", [])
        }
        assert len(reflections) == 8
        assert {code for code, for_solo in reflections.items() if not for_solo} == {
            "doctors_meetings",  # "Sololæger svarer kun på spørgsmål 1" (block 1)
            "professional_community",  # "Sololæger svarer kun på spørgsmål 2 og 3" (block 2)
        }

    def test_offers_of_section_7(self, doc):
        offers = {o["code"]: o for o in doc["offers"]}
        assert {"kge-trivsel-og-arbejdsglaede", "dge-trivsel-og-arbejdsglaede", "dge-faglig-ledelse"} <= set(offers)
        assert {"implementeringsplan", "opfoelgning"} <= set(offers)
        assert len([code for code in offers if code.startswith("praksispakke-")]) == 4
        regional = [o["region"] for o in doc["offers"] if "region" in o]
        assert sorted(regional) == sorted(REGION_CODES)

    def test_national_burnout_figures_without_a_measure(self, doc):
        values = {r["code"]: r for r in doc["reference_values"]}
        assert values["burnout-moderate-2023"]["value"] == 48
        assert values["burnout-severe-2023"]["value"] == 14
        for value in values.values():
            assert "measure" not in value
            assert value["year"] == 2023
            assert value["unit"] == "percent"

    def test_help_contacts_cover_every_region(self, doc):
        contacts = doc["help_contacts"]
        assert {c["region"] for c in contacts if "region" in c} == set(REGION_CODES)
        assert {"plo-krisekorps", "egen-laege"} <= {c["code"] for c in contacts}


class TestWellbeingPackages:
    FIRST = "trivsel-og-arbejdsglaede"
    FOLLOW_UP = "opfoelgning-trivsel-og-arbejdsglaede"

    def test_follow_up_names_the_first_package(self, packages):
        assert packages[self.FOLLOW_UP]["follows_up"] == self.FIRST
        assert "follows_up" not in packages[self.FIRST]

    @pytest.mark.parametrize("code", [FIRST, FOLLOW_UP])
    def test_practice_type_first_then_who5(self, packages, code):
        doc = packages[code]
        qs = questions(doc)
        assert qs[0]["code"] == "practice_type"
        assert [o["code"] for o in qs[0]["options"]] == ["solo", "partnership"]
        assert qs[1]["instrument"] == "who5"
        assert [i["code"] for i in qs[1]["items"]] == [f"who5_{n}" for n in range(1, 6)]
        assert [i["code"] for i in doc["instruments"]] == ["who5"]

    def test_who5_score_is_the_same_in_both(self, packages):
        first, follow_up = (
            next(s for s in packages[code]["scores"] if s["code"] == "who5_index")
            for code in (self.FIRST, self.FOLLOW_UP)
        )
        assert first == follow_up
        assert first["items"] == [f"who5_{n}" for n in range(1, 6)]

    def test_job_satisfaction_is_identical_in_both(self, packages):
        pairs = [
            (question(packages[code], "job_satisfaction"), packages[code]) for code in (self.FIRST, self.FOLLOW_UP)
        ]
        (first_q, first_doc), (follow_q, follow_doc) = pairs
        assert first_q == follow_q
        assert scale_of(first_doc, first_q) == scale_of(follow_doc, follow_q)
        assert [o["label"]["da"] for o in scale_of(first_doc, first_q)["options"]] == [
            "I meget høj grad",
            "I høj grad",
            "I nogen grad",
            "I ringe grad",
        ]

    def test_delegation_reasons_are_identical_in_both(self, packages):
        first = question(packages[self.FIRST], "delegation_reasons")
        assert first == question(packages[self.FOLLOW_UP], "delegation_reasons")
        assert first["type"] == "multiple"
        assert [o["label"]["da"] for o in first["options"]] == [
            "Aflastning",
            "Økonomi",
            "Kvalitet i arbejdet",
            "Meningsfyldt arbejde",
        ]

    @pytest.mark.parametrize(("code", "minutes"), [(FIRST, 150), (FOLLOW_UP, 120)])
    def test_program_sums_to_default(self, packages, code, minutes):
        program = packages[code]["program"]
        assert program["default_minutes"] == minutes
        assert sum(b["minutes"] for b in program["blocks"]) == minutes

    @pytest.mark.parametrize("code", [FIRST, FOLLOW_UP])
    def test_reference_values_name_their_sources(self, packages, code):
        doc = packages[code]
        sources = {s["code"] for s in doc["sources"]}
        values = {r["code"]: r for r in doc["reference_values"]}
        assert {r["source"] for r in values.values()} <= sources
        assert values["who5-population"]["measure"] == "who5_index"
        assert values["burnout-moderate-2023"]["value"] == 48
        assert values["burnout-severe-2023"]["value"] == 14
