"""The respondent's pages are light enough for a phone on a poor connection.

Every page a doctor can meet - landing, each section of each shipped package, the
validation-error page, review, thanks and the problem pages - must weigh at most 30 KB
of HTML plus the CSS and JavaScript it links (uncompressed, so compression only adds
margin), load nothing from another host and need no web fonts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from klyngepakke.core.questionnaire import Questionnaire
from klyngepakke.surveys import respondent_throttle
from klyngepakke.surveys.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 30 * 1024
SHIPPED = ["trivsel-og-arbejdsglaede", "samarbejde-og-faellesskab", "opfoelgning-trivsel-og-arbejdsglaede"]

# Elements whose URL attributes make the browser fetch something when the page loads.
FETCHING = {
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
LOADED_LINKS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "apple-touch-icon", "manifest"}
FONT_FILE = re.compile(r"\.(woff2?|ttf|otf|eot)\b", re.IGNORECASE)


class Fetches(HTMLParser):
    """Collects (tag, rel, url) for every URL a page fetches as it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in FETCHING:
            return
        values = dict(attrs)
        for name in FETCHING[tag]:
            raw = values.get(name)
            if not raw:
                continue
            # srcset: "url 1x, url 2x"
            for candidate in raw.split(",") if name == "srcset" else [raw]:
                url = candidate.strip().split(" ")[0]
                if url:
                    self.urls.append((tag, values.get("rel") or "", url))


def fetched_urls(html: str) -> list[tuple[str, str, str]]:
    parser = Fetches()
    parser.feed(html)
    return parser.urls


def body_of(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@dataclass
class Weighed:
    name: str
    html_bytes: int
    asset_bytes: int

    @property
    def total(self) -> int:
        return self.html_bytes + self.asset_bytes


def static_file(page: str, url: str) -> bytes:
    """A linked static file's content, found the way `collectstatic` would find it."""
    path = urlsplit(url).path
    assert path.startswith(settings.STATIC_URL), f"{page}: {url} is not a static file"
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    assert found, f"{page}: {url} does not exist"
    return Path(found).read_bytes()


class Scale:
    """Weighs pages with the same-origin files they link, and checks each page."""

    def __init__(self) -> None:
        self.pages: list[Weighed] = []
        self.problems: list[str] = []

    def weigh(self, name: str, response: Any, status: int = 200) -> None:
        assert response.status_code == status, f"{name}: HTTP {response.status_code}, expected {status}"
        html = body_of(response).decode()
        asset_bytes = 0
        for tag, rel, url in fetched_urls(html):
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue  # inline, no request
            if parts.scheme or parts.netloc:
                # Absolute or protocol-relative: another host (or at best a needless one).
                self.problems.append(f"{name}: <{tag}> loads {url} from elsewhere")
                continue
            if tag == "link" and not LOADED_LINKS & set(rel.lower().split()):
                continue  # e.g. rel=canonical: not fetched on load
            if FONT_FILE.search(url):
                self.problems.append(f"{name}: <{tag}> loads a font file {url}")
            content = static_file(name, url)
            asset_bytes += len(content)
            if tag == "link" and "stylesheet" in rel.split():
                self._check_css(name, url, content.decode())
        if re.search(r"<style\b", html, re.IGNORECASE):
            self._check_css(name, "<style>", " ".join(re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S | re.I)))
        weighed = Weighed(name, len(body_of(response)), asset_bytes)
        self.pages.append(weighed)
        if weighed.total > BUDGET_BYTES:
            self.problems.append(
                f"{name}: {weighed.total} bytes (HTML {weighed.html_bytes} + CSS/JS {weighed.asset_bytes})"
                f" > {BUDGET_BYTES}"
            )

    def _check_css(self, name: str, where: str, css: str) -> None:
        if "@font-face" in css or FONT_FILE.search(css):
            self.problems.append(f"{name}: {where} declares or loads a web font")
        if re.search(r"@import", css):
            self.problems.append(f"{name}: {where} imports more CSS")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            if not url.startswith("data:"):
                self.problems.append(f"{name}: {where} loads {url}")


def fullest_answers(questionnaire: Questionnaire, section_code: str) -> dict[str, list[str]]:
    """Form data that answers everything on a page, choosing the longest option labels, as a
    partnership doctor (who sees every question)."""
    section = questionnaire.section(section_code)
    assert section is not None
    data: dict[str, list[str]] = {}
    for question in section.questions:
        if question.code == "practice_type":
            data[question.code] = ["partnership"]
        elif question.type == "text":
            data[question.code] = ["Et svar i fritekst. " * 20]
        elif question.type == "multiple":
            data[question.code] = [o.code for o in question.options]
        else:
            longest = max(question.options, key=lambda o: len(o.label["da"]))
            for code in question.answer_codes:
                data[code] = [longest.code]
    return data


def enter(client: Client, invitation: Invitation) -> None:
    response = client.get(reverse("surveys:enter", args=[factories.issue_link(invitation)]))
    assert response.status_code == 302, response.status_code


@pytest.mark.parametrize("package_code", SHIPPED)
def test_every_page_of_a_questionnaire_is_light_and_self_contained(catalogue, package_code):
    cluster = factories.survey_cluster(members=2, solo=0, region_code="hovedstaden")
    round_ = factories.open_survey_round(cluster, package_code)
    questionnaire = Questionnaire(round_.package_version.document)
    invitation = round_.invitations.first()
    client = Client()
    scale = Scale()
    enter(client, invitation)

    scale.weigh("landing", client.get(reverse("surveys:landing")))
    for section in questionnaire.sections:
        url = reverse("surveys:section", args=[section.code])
        if any(q.required for q in section.questions):
            # The page with every error message shown is the heaviest version of it.
            scale.weigh(f"{section.code} (errors)", client.post(url, {"nav": "next"}), status=400)
        data = fullest_answers(questionnaire, section.code)
        assert client.post(url, data | {"nav": "next"}).status_code == 302
        # Answered and shown again (as after "Tilbage"): every choice is marked.
        scale.weigh(section.code, client.get(url))
    scale.weigh("review", client.get(reverse("surveys:review")))
    scale.weigh("thanks", client.post(reverse("surveys:review")))  # the receipt is the submit's response

    assert len(scale.pages) >= len(questionnaire.sections) + 3
    assert not scale.problems, "\n".join(scale.problems)


def test_the_problem_pages_are_light_and_self_contained(catalogue):
    cluster = factories.survey_cluster(members=3, solo=0)
    round_ = factories.open_survey_round(cluster)
    answered, closing, *_ = list(round_.invitations.all())
    scale = Scale()

    scale.weigh("invalid link", Client().get(reverse("surveys:enter", args=["x" * 32])), status=404)
    scale.weigh("no session", Client().get(reverse("surveys:landing")), status=403)

    Invitation.objects.filter(pk=answered.pk).update(answered=True)
    scale.weigh("answered", Client().get(reverse("surveys:enter", args=[factories.issue_link(answered)])), status=410)

    client = Client()
    enter(client, closing)
    from klyngepakke.surveys import services

    services.close_round(round_, None)
    scale.weigh("closed", client.get(reverse("surveys:landing")), status=410)

    guesser = Client()
    for _ in range(respondent_throttle.LIMIT):
        guesser.get(reverse("surveys:enter", args=["y" * 32]))
    scale.weigh("throttled", guesser.get(reverse("surveys:enter", args=["z" * 32])), status=429)

    assert not scale.problems, "\n".join(scale.problems)


def test_the_english_pages_are_as_light(catalogue):
    # English labels may be longer; the UI strings around them must not tip a page over.
    cluster = factories.survey_cluster(members=1, solo=0)
    round_ = factories.open_survey_round(cluster, "samarbejde-og-faellesskab")
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    enter(client, round_.invitations.get())
    scale = Scale()
    scale.weigh("landing (en)", client.get(reverse("surveys:landing")))
    scale.weigh("structure (en, errors)", client.post(reverse("surveys:section", args=["structure"])), status=400)
    assert not scale.problems, "\n".join(scale.problems)
