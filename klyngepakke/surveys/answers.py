"""A respondent's answers as the rows a response stores.

The one conversion from the questionnaire's answer mapping (see
klyngepakke.core.questionnaire) to `(code, option, value, text)` rows for
`services.store_submission`. The respondent's submit and the demo's synthetic answers
both go through it, so demo data is stored exactly like a real submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klyngepakke.core.questionnaire import Questionnaire

AnswerRow = tuple[str, str, float | None, str]


def answer_rows(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[AnswerRow]:
    """Rows for the answers to questions the routing shows; one row per chosen option."""
    rows: list[AnswerRow] = []
    for sec in questionnaire.visible_sections(answers):
        for question in sec.visible_questions(answers):
            for code in question.answer_codes:
                value = answers.get(code)
                if value is None:
                    continue
                if question.type == "text":
                    rows.append((code, "", None, str(value)))
                    continue
                for chosen in value if isinstance(value, list) else [value]:
                    option = question.option(chosen)
                    if option is not None:
                        rows.append((code, option.code, option.value, ""))
    return rows
