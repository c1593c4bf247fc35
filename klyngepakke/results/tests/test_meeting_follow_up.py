"""'Opfølgning fra sidste møde': the follow-up round asks the measure points the meeting
chose with the earlier round's codes, and its results open with them before and after."""

from __future__ import annotations

import statistics

import pytest

from klyngepakke.results.meeting_follow_up import follow_up_from_meeting
from klyngepakke.results.selectors import round_results
from klyngepakke.results.serialize import results_as_dict
from klyngepakke.results.serialize_meeting_follow_up import meeting_follow_up_as_dict

from .meeting_follow_up_support import AFTER_Q1, BEFORE_Q1, CHANGED, TEXTS, VALUES, whole_cycle

pytestmark = pytest.mark.django_db


def section_of(round_):
    results = round_results(round_)
    return meeting_follow_up_as_dict(follow_up_from_meeting(round_, results), results_as_dict(results))


def test_the_measure_points_compare_with_the_first_round_by_the_same_codes():
    cycle = whole_cycle()
    document = cycle.follow_up.document
    first = cycle.first.questionnaire_document
    added = document["follow_up"]["added_items"]
    assert "q1_leadership_effort" in added
    assert {"q6_morning", "q6_lunch"} <= set(added)  # a whole matrix comes with its items
    # The same code, text and options as the earlier round asked.
    asked_before = {q["code"]: q for s in first["questionnaire"]["sections"] for q in s["questions"]}
    asked_now = {q["code"]: q for s in document["questionnaire"]["sections"] for q in s["questions"]}
    assert asked_now["q1_leadership_effort"]["text"] == asked_before["q1_leadership_effort"]["text"]

    data = section_of(cycle.follow_up)
    point = next(p for p in data["measure_points"] if p["code"] == "q1_leadership_effort")
    before = [VALUES[v] for v in BEFORE_Q1]
    after = [VALUES[v] for v in AFTER_Q1]
    assert point["before"]["mean"] == round(statistics.mean(before), 1)
    assert point["after"]["mean"] == round(statistics.mean(after), 1)
    assert point["before"]["n"] == len(before)
    assert point["after"]["n"] == len(after)
    # The change is the difference of the shown (rounded) means.
    shown = round(statistics.mean(after), 1), round(statistics.mean(before), 1)
    assert point["change"]["difference"] == round(shown[0] - shown[1], 1)
    assert point["change"]["verdict"] == "increase"
    assert point["hope"] == "Flere svarer i høj grad"
    assert point["sentence"].startswith("Gennemsnittet er steget med 1,5 point")
    assert point["before"]["text"] == "1,7 (n\u00a0=\u00a06)"
    assert point["after"]["text"] == "3,2 (n\u00a0=\u00a06)"


def test_the_decisions_and_the_plans_as_counts():
    cycle = whole_cycle()
    data = section_of(cycle.follow_up)
    assert data["title"] == "Opfølgning fra sidste møde"
    assert data["decisions"]["focus_areas"] == ["Fælles pauser hver dag", "Et fast lægemøde"]
    assert data["plans"]["done"] == 1
    assert data["plans"]["under_way"] == 1
    assert data["plans"]["dropped"] == 0
    assert data["plans"]["lines"][0] == f"0 af {data['plans']['practices']} praksisser har lavet en plan"


def test_the_change_question_is_answered_and_shown_under_the_free_text_rules():
    cycle = whole_cycle()
    data = section_of(cycle.follow_up)
    (choice,) = data["change_answers"]["choices"]
    assert choice["text"] == "Har jeres praksis ændret noget siden klyngemødet?"
    counts = {o["code"]: o["count"] for o in choice["options"]}
    assert counts == {code: CHANGED.count(code) for code in ("yes_much", "yes_some", "not_yet", "dont_know")}
    (texts,) = data["change_answers"]["texts"]
    assert sorted(texts["shown_texts"]) == sorted(TEXTS)


def test_five_writers_and_one_who_did_not_are_not_shown():
    cycle = whole_cycle(texts=[*TEXTS[:5], ""])
    (texts,) = section_of(cycle.follow_up)["change_answers"]["texts"]
    assert "shown_texts" not in texts
    assert texts["withheld"] == "too_few_texts"


def test_a_round_that_follows_up_nothing_has_no_section():
    cycle = whole_cycle()
    assert section_of(cycle.first) is None


def test_a_round_under_k_says_why_for_every_measure_point_never_zero():
    cycle = whole_cycle(answering=4)
    data = section_of(cycle.follow_up)
    for point in data["measure_points"]:
        assert point["before"]["n"] == 6
        assert point["after"] == {"withheld": "group_too_small", "text": "Vises ikke: for få besvarelser i gruppen."}
        assert point["change"] is None
        assert point["sentence"] == "Udviklingen kan ikke vurderes: et af tallene vises ikke."
    assert data["change_answers"]["withheld"] == "group_too_small"
