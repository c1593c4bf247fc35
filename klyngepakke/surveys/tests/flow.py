"""Drives the respondent's questionnaire through the Django test client, as a browser would."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from klyngepakke.surveys.selectors import questionnaire_for

SECTION_PATH = re.compile(r"^/svar/side/([a-z0-9_-]+)/$")


class Respondent:
    def __init__(self, invitation, token: str, client: Client | None = None) -> None:
        self.invitation = invitation
        self.token = token
        self.client = client or Client()
        self.questionnaire = questionnaire_for(invitation.round)

    def enter(self):
        return self.client.get(reverse("surveys:enter", args=[self.token]))

    def choose(self, code: str, overrides: dict[str, Any]) -> dict[str, list[str]]:
        """Form data for one section: the override, else the first option of each question."""
        section = self.questionnaire.section(code)
        assert section is not None
        data: dict[str, list[str]] = {}
        seen: dict[str, Any] = dict(overrides)
        for question in section.questions:
            if question.show_if is not None and seen.get(question.show_if.question) not in question.show_if.values:
                continue
            for answer_code in question.answer_codes:
                if answer_code in overrides:
                    value = overrides[answer_code]
                elif question.type == "text":
                    value = "Fritekst"
                else:
                    value = question.options[0].code
                data[answer_code] = value if isinstance(value, list) else [value]
                seen[answer_code] = value
        return data

    def answer_all(self, overrides: dict[str, Any] | None = None) -> list[str]:
        """Enter and answer every page; return the section codes visited. Ends on the review page."""
        overrides = overrides or {}
        response = self.enter()
        assert response.status_code == 302, response.status_code
        landing = self.client.get(response["Location"])
        assert landing.status_code == 200
        location = re.search(r'href="(/svar/side/[^"]+/)"', landing.content.decode()).group(1)
        visited = []
        while (match := SECTION_PATH.match(location)) is not None:
            code = match.group(1)
            visited.append(code)
            page = self.client.get(location)
            assert page.status_code == 200, (location, page.status_code)
            posted = self.client.post(location, {**self.choose(code, overrides), "nav": "next"})
            assert posted.status_code == 302, (location, posted.status_code, posted.content[:2000])
            location = posted["Location"]
        assert location == reverse("surveys:review")
        return visited

    def submit(self):
        return self.client.post(reverse("surveys:review"))
