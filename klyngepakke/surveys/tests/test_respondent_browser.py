"""A doctor answers the questionnaire in a real browser on a phone, from the e-mailed link.

The invitation goes out through the outbox to a real SMTP server on loopback; the test
reads the link from the received message and follows it in Chromium (Playwright) with a
360 x 740 touch viewport. axe-core checks every page against WCAG 2.1 A/AA, and every
page is checked for Content-Security-Policy violations, requests to other hosts and
sideways scrolling.

Run with `-m browser`; skipped when Chromium is missing unless REQUIRE_BROWSER=1.
Set SURVEY_SCREENSHOTS=/some/dir to save a full-page screenshot of every page.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from klyngepakke.outbox.services import process_outbox
from klyngepakke.registry.models import Member, Practice
from tests import factories

# serialized_rollback: the live server needs committed data, and the flush after each
# test would otherwise also remove the regions that a data migration put in.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "da-DK",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = os.environ.get("SURVEY_SCREENSHOTS", "")
LINK = re.compile(r"https?://[^\s\"<>]+/s/([A-Za-z0-9_-]{32})/")

WHO5_SOMETIMES = "Lidt mindre end halvdelen af tiden"  # scores 2 of 5 on each item


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module.

    Playwright's sync API keeps an asyncio loop running in this thread for as long as
    it is started, and Django refuses ORM calls while a loop runs. Nothing here is
    actually asynchronous (Playwright works through greenlets), so the check is turned
    off for the module's lifetime, as Playwright's own Django advice does.
    """
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium); REQUIRE_BROWSER=1 makes this a failure")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in result.response["violations"]
    ]


class Phone:
    """One browser context on a phone, with the checks every page must pass."""

    def __init__(self, browser: Any, base_url: str, name: str, javascript: bool = True) -> None:
        self.context = browser.new_context(**PHONE, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.javascript = javascript
        self.console: list[str] = []
        self.foreign_requests: list[str] = []
        self.violations: dict[str, list[str]] = {}
        self.checked: list[str] = []
        # The buttons and links a doctor presses, in the language shown.
        self.texts = {"next": "Næste", "start": "Start spørgeskemaet", "send": "Send mine svar"}
        self.page.on("console", lambda msg: self.console.append(msg.text))
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        self.page.on(
            "request",
            lambda request: (
                None if request.url.startswith((base_url, "data:")) else self.foreign_requests.append(request.url)
            ),
        )

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def check(self, label: str) -> None:
        """The checks for every page: axe-core, no sideways scrolling, a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        self.checked.append(label)
        if self.javascript:
            # axe-core works with timers, which do not run where scripts are off; the
            # pages are the same either way and are checked in the other tests.
            found = axe_violations(page)
            if found:
                self.violations[label] = found
        width = page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= PHONE["viewport"]["width"], f"{label}: the page is {width} px wide on a 360 px phone"
        if SCREENSHOTS:
            directory = Path(SCREENSHOTS)
            directory.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=directory / f"{self.name}-{len(self.checked):02d}-{label}.png", full_page=True)

    def assert_clean(self) -> None:
        csp = [m for m in self.console if "Content Security Policy" in m or "Refused to" in m]
        assert not csp, csp
        assert not [m for m in self.console if m.startswith("page error")], self.console
        assert not self.foreign_requests, self.foreign_requests
        assert not self.violations, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(
            f"{page}:\n  " + "\n  ".join(found) for page, found in self.violations.items()
        )

    def close(self) -> None:
        self.context.close()

    # --- Doing things as a doctor

    def answer_page(self, choose: dict[str, str] | None = None, default: str | None = None) -> None:
        """Answer every choice question on the page: the option labelled choose[name] (or
        `default`) where that exists, else the first option."""
        choose = choose or {}
        # (Playwright evaluates this itself; it works with the page's scripts switched off.)
        names = self.page.locator("main form input[type=radio], main form input[type=checkbox]").evaluate_all(
            "inputs => [...new Set(inputs.map(i => i.name))]"
        )
        for name in names:
            group = self.page.locator(f'fieldset:has(> label input[name="{name}"])')
            label = choose.get(name, default)
            wanted = group.get_by_label(label, exact=True) if label else None
            if wanted is not None and wanted.count():
                wanted.check()
            else:
                group.locator(f'input[name="{name}"]').first.check()

    def next(self) -> None:
        self.page.get_by_role("button", name=self.texts["next"], exact=True).click()
        self.page.wait_for_load_state("load")


def invite(settings: Any, live_server: Any, smtp_server: Any, package_code: str) -> tuple[Any, dict[str, str]]:
    """Open a round for a cluster of a solo doctor and two partners; send the invitations
    through the outbox to the loopback SMTP server. Returns the round and the link each
    kind of doctor ("solo", "partnership") received."""
    settings.SITE_URL = live_server.url
    factories.shipped_catalogue()
    cluster = factories.survey_cluster(members=3, solo=1)
    round_ = factories.open_survey_round(cluster, package_code)
    report = process_outbox()
    assert report.sent == 3, report
    received = smtp_server.mailbox.wait_for(3)
    assert len(received) == 3
    links: dict[str, str] = {}
    for message in received:
        text = smtp_server.mailbox.text_of(message)
        html = smtp_server.mailbox.html_of(message)
        found = LINK.search(text)
        assert found, text
        link = found.group(0)
        assert link.startswith(live_server.url + "/s/")
        assert f'href="{link}"' in html, "the HTML part carries the same link"
        member = Member.objects.select_related("practice").get(email=str(message["To"]))
        kind = "solo" if member.practice.kind == Practice.Kind.SOLO else "partnership"
        links.setdefault(kind, link)
    return round_, links


def enter(phone: Phone, link: str) -> None:
    phone.page.goto(link)
    assert phone.path == reverse("surveys:landing"), phone.page.url
    token = LINK.search(link).group(1)
    assert token not in phone.page.url
    assert token not in phone.page.content()


def start(phone: Phone) -> None:
    phone.page.get_by_role("link", name=phone.texts["start"]).click()
    phone.page.wait_for_load_state("load")


def answer_all_sections(phone: Phone, on_page: Any = None, **choices: Any) -> list[str]:
    """Answer section after section until the review page; returns the section codes met."""
    met: list[str] = []
    while phone.path.startswith("/svar/side/"):
        code = phone.path.rstrip("/").rsplit("/", 1)[-1]
        assert code not in met, f"{code} came twice"
        met.append(code)
        phone.check(code)
        if on_page:
            on_page(code)
        phone.answer_page(**choices)
        phone.next()
    assert phone.path == reverse("surveys:review"), phone.page.url
    return met


def submit(phone: Phone) -> None:
    phone.check("review")
    phone.page.get_by_role("button", name=phone.texts["send"]).click()
    phone.page.wait_for_load_state("load")
    # The receipt is the response to the submit's POST itself (nothing to read it back from).
    assert phone.path == reverse("surveys:review"), phone.page.url
    assert phone.page.locator("[data-print]").count() == 1, "the receipt (with its print button)"
    phone.check("thanks")


def test_a_doctor_answers_trivsel_from_the_email_and_sees_private_feedback(browser, live_server, smtp_server, settings):
    _round, links = invite(settings, live_server, smtp_server, "trivsel-og-arbejdsglaede")
    phone = Phone(browser, live_server.url, "trivsel")
    page = phone.page
    try:
        enter(phone, links["partnership"])
        phone.check("landing")
        assert page.get_by_role("heading", level=1).inner_text() == "Trivsel og arbejdsglæde"
        start(phone)

        assert phone.path == reverse("surveys:section", args=["practice"])
        phone.check("practice")

        # Keyboard: the skip link comes first, and it leads past the header into the form.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Spring til indhold"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "practice_type"

        # A required question left empty: the Danish message sits in the question's
        # fieldset and is its accessible description; the summary links to it.
        phone.next()
        assert page.title().startswith("Fejl:")
        group = page.get_by_role("group", name=re.compile("Arbejder du i en solopraksis"))
        assert group.locator(".field-error").inner_text() == "Vælg et svar."
        description = group.evaluate(
            "g => (g.getAttribute('aria-describedby') || '').split(' ')"
            ".map(id => document.getElementById(id)?.textContent.trim()).join(' ')"
        )
        assert "Vælg et svar." in description
        summary = page.get_by_role("alert")
        assert "Vælg et svar." in summary.inner_text()
        # With JavaScript the error summary takes focus, so it is read out first.
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        phone.check("practice-error")

        group.get_by_label("Kompagniskab", exact=True).check()
        phone.next()

        # WHO-5 half answered: each missing item gets its own message.
        assert phone.path == reverse("surveys:section", args=["wellbeing"])
        phone.check("wellbeing")
        page.get_by_role("group", name=re.compile("glad og i godt humør")).get_by_label(
            WHO5_SOMETIMES, exact=True
        ).check()
        phone.next()
        assert page.locator(".field-error").count() == 4
        phone.check("wellbeing-error")

        met = answer_all_sections(phone, default=WHO5_SOMETIMES)
        assert met == ["wellbeing", "job_satisfaction", "delegation"]
        review_text = page.locator("main").inner_text()
        assert "Kompagniskab" in review_text
        assert WHO5_SOMETIMES in review_text
        submit(phone)

        # 5 items x 2 points x 4 = 40: the package's "risk" band, with help on offer.
        feedback = page.locator("main").inner_text()
        assert "WHO-5 trivselsindeks: 40 af 100" in feedback
        assert "Risiko for stress eller depression" in feedback
        assert "PLO's krisekorps" in feedback
        assert "Region Syddanmark" in feedback
        assert page.locator(".score.attention").count() == 1
        assert page.get_by_role("button", name="Udskriv").is_visible()

        # Back to the questionnaire after submitting: "already answered", not an error,
        # and not the scores again.
        page.goto(live_server.url + reverse("surveys:review"))
        assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svaret"
        assert "WHO-5" not in page.locator("main").inner_text()

        # The pages for a used and a broken link are checked like the rest.
        page.goto(links["partnership"])
        assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svaret"
        phone.check("answered")
        page.goto(live_server.url + reverse("surveys:enter", args=["x" * 32]))
        assert page.get_by_role("heading", level=1).inner_text() == "Linket virker ikke"
        phone.check("invalid-link")
        phone.assert_clean()
    finally:
        phone.close()


@pytest.mark.parametrize("practice", ["solo", "partnership"])
def test_samarbejde_routes_solo_doctors_around_the_leadership_team_questions(
    browser, live_server, smtp_server, settings, practice
):
    _round, links = invite(settings, live_server, smtp_server, "samarbejde-og-faellesskab")
    phone = Phone(browser, live_server.url, f"samarbejde-{practice}")
    page = phone.page
    q3 = "I hvilken grad forholder I jer til personlige forhold, samarbejde og trivsel i lederteamet?"
    q4 = "Hvor ofte afholder I følgende lægemøder?"
    try:
        enter(phone, links[practice])
        phone.check("landing")
        start(phone)
        shown: dict[str, str] = {}

        def remember(code: str) -> None:
            shown[code] = page.locator("main").inner_text()

        label = "Solopraksis (sololæge)" if practice == "solo" else "Kompagniskab"
        met = answer_all_sections(phone, on_page=remember, choose={"practice_type": label})
        assert met == ["practice", "leadership", "structure", "culture", "collegial_support"]
        leadership = shown["leadership"]
        assert "Som klinikkens leder(e) gør jeg/vi en indsats" in leadership
        assert "Strategisk ledelse" in leadership
        if practice == "solo":
            assert q3 not in leadership
            assert q4 not in leadership
            assert "Kortere lægemøder" not in leadership
        else:
            assert q3 in leadership
            assert q4 in leadership
            assert "Kortere lægemøder (op til halvanden times varighed)" in leadership
            assert "Længere lægemøder (længere end halvanden time)" in leadership

        review_text = page.locator("main").inner_text()
        assert (q3 in review_text) is (practice == "partnership")
        assert label in review_text
        submit(phone)
        assert "Tak for dit svar" in page.locator("h1").inner_text()
        assert page.locator(".score").count() == 0  # this package defines no personal score
        phone.assert_clean()
    finally:
        phone.close()


def test_the_questionnaire_works_without_javascript(browser, live_server, smtp_server, settings):
    _round, links = invite(settings, live_server, smtp_server, "opfoelgning-trivsel-og-arbejdsglaede")
    phone = Phone(browser, live_server.url, "nojs", javascript=False)
    page = phone.page
    try:
        enter(phone, links["solo"])
        phone.check("landing")
        start(phone)
        phone.next()  # nothing chosen: the server's message, no script needed to see it
        assert page.locator("#felt-practice_type .field-error").inner_text() == "Vælg et svar."
        phone.check("practice-error")
        met = answer_all_sections(phone, choose={"practice_type": "Solopraksis (sololæge)"}, default=WHO5_SOMETIMES)
        assert met == ["practice", "wellbeing", "job_satisfaction", "delegation"]
        submit(phone)
        assert "WHO-5 trivselsindeks: 40 af 100" in page.locator("main").inner_text()
        # Printing needs the script, so without it there is no print button (the
        # browser's own print remains).
        assert not page.get_by_role("button", name="Udskriv").is_visible()
        phone.assert_clean()
    finally:
        phone.close()


def test_english_is_one_click_away_on_every_page(browser, live_server, smtp_server, settings):
    _round, links = invite(settings, live_server, smtp_server, "opfoelgning-trivsel-og-arbejdsglaede")
    phone = Phone(browser, live_server.url, "english")
    page = phone.page
    try:
        enter(phone, links["partnership"])
        assert page.locator("html").get_attribute("lang") == "da"
        # The language switch is a plain form that returns to the same page.
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("load")
        assert phone.path == reverse("surveys:landing")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="Dansk").is_visible()
        phone.check("landing")
        phone.texts = {"next": "Next", "start": "Start the questionnaire", "send": "Send my answers"}
        start(phone)

        phone.next()
        assert page.locator("#felt-practice_type .field-error").inner_text() == "Choose an answer."
        assert "Page 1 of" in page.locator(".progress").inner_text()
        phone.check("practice-error")
        answer_all_sections(phone, default=WHO5_SOMETIMES)
        assert page.get_by_role("heading", level=1).inner_text() == "Review your answers"
        submit(phone)
        assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your answers"
        assert "40 of 100" in page.locator(".score h3").inner_text()
        assert page.get_by_role("button", name="Print").is_visible()
        phone.assert_clean()
    finally:
        phone.close()


def every_kind_of_question() -> dict[str, Any]:
    """A package document with each question type, with help texts, on one page: the
    template branches the shipped packages do not all use (e.g. free text)."""

    def options(*labels: str) -> list[dict[str, Any]]:
        return [{"code": f"o{n}", "label": {"da": label}, "value": n} for n, label in enumerate(labels)]

    return {
        "code": "alle-slags",
        "title": {"da": "Alle slags spørgsmål"},
        "summary": {"da": "Til test af skabelonerne."},
        "questionnaire": {
            "estimated_minutes": 2,
            "intro": {"da": "Et spørgeskema med alle spørgsmålstyper."},
            "sections": [
                {
                    "code": "alt",
                    "title": {"da": "Alt på én side"},
                    "intro": {"da": "Siden har hver slags spørgsmål."},
                    "questions": [
                        {
                            "code": "enkelt",
                            "type": "single",
                            "text": {"da": "Hvilken slags praksis?"},
                            "help": {"da": "Vælg den, der passer bedst."},
                            "options": options("Solo", "Kompagniskab"),
                        },
                        {
                            "code": "flere",
                            "type": "multiple",
                            "text": {"da": "Hvad belaster dig?"},
                            "options": options("Administration", "Vagter", "Andet"),
                        },
                        {
                            "code": "matrix",
                            "type": "matrix",
                            "text": {"da": "Hvor enig er du?"},
                            "help": {"da": "Svar for hvert udsagn."},
                            "options": options("Enig", "Uenig"),
                            "items": [
                                {"code": "matrix_1", "text": {"da": "Vi holder pauser sammen"}},
                                {"code": "matrix_2", "text": {"da": "Vi hjælper hinanden"}},
                            ],
                        },
                        {
                            "code": "fritekst",
                            "type": "text",
                            "text": {"da": "Hvad vil du gerne drøfte på mødet?"},
                            "help": {"da": "Skriv gerne kort."},
                            "max_length": 200,
                        },
                    ],
                }
            ],
        },
        "program": {"default_minutes": 150, "blocks": [{"title": {"da": "Introduktion"}, "minutes": 10}]},
    }


def test_every_kind_of_question_with_its_errors_is_accessible(browser, live_server):
    package = factories.package(code="alle-slags", document=every_kind_of_question())
    cluster = factories.survey_cluster(members=1, solo=0)
    round_ = factories.open_survey_round(cluster, package.code)
    token = factories.issue_link(round_.invitations.get())
    phone = Phone(browser, live_server.url, "kinds")
    page = phone.page
    try:
        enter(phone, f"{live_server.url}/s/{token}/")
        start(phone)
        phone.check("all-kinds")
        phone.next()
        phone.check("all-kinds-errors")
        expected = {
            "svar-enkelt": "Vælg et svar.",
            "svar-flere": "Vælg mindst én svarmulighed.",
            "svar-matrix_1": "Vælg et svar.",
            "svar-matrix_2": "Vælg et svar.",
            "svar-fritekst": "Skriv et svar.",
        }
        # Each summary link leads to the first control of its question, and each message
        # is part of the accessible description of its group or field.
        links = page.locator(".error-summary a")
        assert [link.get_attribute("href") for link in links.all()] == [f"#{i}" for i in expected]
        describe = (
            "el => (el.getAttribute('aria-describedby') || '').split(' ')"
            ".map(id => document.getElementById(id)?.textContent.trim()).join(' | ')"
        )
        for control_id, message in expected.items():
            control = page.locator(f"#{control_id}")
            owner = control if control_id == "svar-fritekst" else control.locator("xpath=ancestor::fieldset[1]")
            assert message in owner.evaluate(describe), control_id
        assert page.locator("#svar-fritekst").get_attribute("aria-invalid") == "true"
        assert "Skriv gerne kort." in page.locator("#svar-fritekst").evaluate(describe)
        page.get_by_label("Hvad vil du gerne drøfte på mødet?").fill("Fælles pauser")
        phone.answer_page()
        phone.next()
        assert phone.path == reverse("surveys:review")
        assert "Fælles pauser" in page.locator("main").inner_text()
        submit(phone)
        phone.assert_clean()
    finally:
        phone.close()


def test_the_private_feedback_is_shown_once_and_not_again_on_back_or_reload(
    browser, live_server, smtp_server, settings
):
    _round, links = invite(settings, live_server, smtp_server, "trivsel-og-arbejdsglaede")
    phone = Phone(browser, live_server.url, "feedback-once")
    page = phone.page
    try:
        enter(phone, links["solo"])
        start(phone)
        answer_all_sections(phone, default=WHO5_SOMETIMES)
        submit(phone)
        assert "WHO-5 trivselsindeks: 40 af 100" in page.locator("main").inner_text()
        assert page.get_by_role("button", name="Udskriv").is_visible()
        print_media = page.evaluate(
            "[...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText === 'print'))"
        )
        assert print_media, "the print stylesheet is loaded"

        page.go_back()  # to the review page: answered, no scores
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svaret"
        assert "WHO-5" not in page.locator("main").inner_text()
        from playwright.sync_api import Error as PlaywrightError

        try:  # the POST's page is not kept (no-store): Chromium would have to send it again
            page.go_forward()
        except PlaywrightError as error:
            assert "ERR_CACHE_MISS" in str(error)  # noqa: PT017 - the browser's own refusal
        page.wait_for_load_state("load")
        assert "WHO-5 trivselsindeks" not in page.locator("body").inner_text()
        page.goto(live_server.url + reverse("surveys:thanks"))
        assert page.get_by_role("heading", level=1).inner_text() == "Du har allerede svaret"
        assert "WHO-5" not in page.locator("main").inner_text()
        phone.assert_clean()
    finally:
        phone.close()
