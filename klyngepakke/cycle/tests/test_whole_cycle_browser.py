"""A cluster of the demo country goes through the whole cycle in a real browser.

koordinator2's cluster (Esbjerg; the demo's "small" story) has a closed round of Trivsel
og arbejdsglæde. Its coordinator records the meeting, two measure points and a focus area
through the pages; two practices fill in their plans from links read out of the e-mails
that the outbox sent to a loopback SMTP server; the duties run at future dates (the
status request before the follow-up, then the follow-up date) and the coordinator gets
the follow-up e-mail, orders the follow-up with one click and opens its round; doctors
answer it from their e-mailed links through the respondent pages; the coordinator closes
the round and downloads the deck, whose first slides must show the decisions, both
measure points before and after, and the practices' plan status as counts. LibreOffice
then renders the deck (one PDF page per slide) and pdftoppm its first slides.

The whole demo country is built (seed_demo and its history, as the demo tests build it),
its history dated three weeks back: the meeting a closed round planned (2-21 days ahead)
has then been held. Every page the coordinator passes is checked with axe-core (WCAG 2.1
A/AA) at 360 px and must not scroll sideways. Set CYCLE_SCREENSHOTS=/some/dir to keep a
screenshot of each of those pages and PNGs of the deck's first slides.

Run with `-m browser`; skipped when Chromium or LibreOffice is missing, unless
REQUIRE_BROWSER=1 / REQUIRE_LIBREOFFICE=1 (CI sets them).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngepakke.cycle.models import Order, PracticePlan
from klyngepakke.cycle.services import mark_follow_ups_due, request_plan_statuses
from klyngepakke.demo import demo
from klyngepakke.demo.demo_writer import seed_history
from klyngepakke.formats import danish_date
from klyngepakke.materials.tests.deck_support import slide_text, table_rows, title
from klyngepakke.materials.tests.test_deck_libreoffice import pdf_pages, soffice  # noqa: F401 - fixture
from klyngepakke.notifications.services import notify_follow_ups_due
from klyngepakke.outbox.services import process_outbox
from klyngepakke.registry.demo import DEFAULT_SEED, DEMO_PASSWORD
from klyngepakke.registry.models import ClusterAssignment, Member
from klyngepakke.registry.services import seed_demo
from klyngepakke.surveys.models import Round
from klyngepakke.surveys.tests.test_respondent_browser import Phone, axe_violations, browser  # noqa: F401 - fixture
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGIONS = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]
SCREENSHOTS = os.environ.get("CYCLE_SCREENSHOTS", "")
WIDTH = 360
PLAN_LINK = re.compile(r"https?://\S+/p/[A-Za-z0-9_-]{32}/")
SURVEY_LINK = re.compile(r"https?://\S+/s/[A-Za-z0-9_-]{32}/")
ORDER_LINK = re.compile(r"https?://\S+/bestillinger/\d+/")

FOCUS_AREA = "Fælles frokost hver torsdag"
HOPE_WHO5 = "Færre under 50"
HOPE_JOB = "Flere svarer i høj grad"
# The follow-up's answers: WHO-5 "Det meste af tiden" (4) on every item is an index of
# 80; "I høj grad" is 3 on the job satisfaction scale.
WHO5_MOSTLY = "Det meste af tiden"
JOB_HIGH = "I høj grad"
ANSWERING = 5  # k of the package


class Coordinator:
    """The coordinator's browser at 360 px: every page passed is checked the same way."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        self.context = chromium.new_context(viewport={"width": WIDTH, "height": 800}, locale="da-DK")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.console: list[str] = []
        self.problems: dict[str, list[str]] = {}
        self.checked: list[str] = []
        self.page.on("console", lambda msg: self.console.append(msg.text))
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def check(self, label: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.checked.append(label)
        found = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found.append(f"{width} px wide on a {WIDTH} px screen")
        # A label points at the first element with its id: two forms with one id mislead it.
        duplicates = page.evaluate(
            "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
            " return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]; }"
        )
        if duplicates:
            found.append(f"ids used twice: {duplicates}")
        if found:
            self.problems[label] = found
        if SCREENSHOTS:
            directory = Path(SCREENSHOTS)
            directory.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=directory / f"coordinator-{len(self.checked):02d}-{label}.png", full_page=True)

    def click(self, role: str, name: str, **kwargs: Any) -> None:
        self.page.get_by_role(role, name=name, **kwargs).click()  # type: ignore[arg-type]
        self.page.wait_for_load_state("load")

    def message(self) -> str:
        return self.page.locator("ul.messages").inner_text()

    def assert_clean(self) -> None:
        bad = [m for m in self.console if "Content Security Policy" in m or m.startswith("page error")]
        assert not bad, bad
        assert not self.problems, "\n".join(f"{page}: {found}" for page, found in self.problems.items())


def links_in(mailbox: Any, messages: list[Any], pattern: re.Pattern[str]) -> dict[str, str]:
    """recipient -> the link of `pattern` in the message's text. Other mails sent in the
    same pass (the notifications to consultants and coordinators) carry no such link;
    the callers check that every expected recipient got one."""
    found = {}
    for message in messages:
        match = pattern.search(mailbox.text_of(message))
        if match:
            found[str(message["To"])] = match.group(0)
    assert found, [mailbox.text_of(m) for m in messages]
    return found


def sent(smtp_server: Any, now: Any = None) -> list[Any]:
    """Run the outbox (at `now`) and return the messages the SMTP server received."""
    before = len(smtp_server.mailbox.messages)
    report = process_outbox(now)
    assert not report.failed, report
    return smtp_server.mailbox.wait_for(before + report.sent)[before:]


def build_country() -> Order:
    for code in REGIONS:
        factories.region(code)
    seed_demo(DEFAULT_SEED)
    factories.shipped_catalogue()
    report = seed_history(DEFAULT_SEED)
    assert report.created, report
    cluster = ClusterAssignment.objects.get(user__username="koordinator2").cluster
    order = Order.objects.get(cluster=cluster, package__code=demo.FIRST)
    assert order.state == Order.State.SURVEY_CLOSED
    # The demo plans a closed round's meeting 2-21 days ahead.
    assert order.meeting_date is not None
    assert order.meeting_date > timezone.localdate()
    return order


def fill_plan(phone: Phone, link: str, what: str, status: str, *, share: bool) -> None:
    page = phone.page
    page.goto(link)
    assert phone.path == reverse("cycle:practice_plan"), page.url
    phone.check("plan")
    row = page.get_by_role("group", name="Ændring 1")
    row.get_by_label("Hvad vil vi ændre?").fill(what)
    row.get_by_label("Hvorfor?").fill("Vi ses for sjældent i løbet af dagen")
    row.get_by_label("Første skridt").fill("Sæt tid af i kalenderen")
    row.get_by_label("Hvem?").fill("Alle læger")
    row.get_by_label("Hvornår?").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    row.get_by_label("Hvordan ved vi, at det virker?").fill("Vi spørger hinanden om tre måneder")
    page.get_by_label("Status").select_option(label=status)
    if share:
        page.get_by_label("Del planen med klyngen").check()
    page.get_by_role("button", name="Gem planen").click()
    page.wait_for_load_state("load")
    assert "Jeres plan er gemt." in page.locator("ul.messages").inner_text()


def answer_follow_up(phone: Phone, link: str, practice_kind: str, change: str) -> None:
    """One doctor answers the whole follow-up questionnaire from the e-mailed link."""
    page = phone.page
    page.goto(link)
    assert phone.path == reverse("surveys:landing"), page.url
    page.get_by_role("link", name="Start spørgeskemaet").click()
    page.wait_for_load_state("load")
    kind = "Solopraksis (sololæge)" if practice_kind == "solo" else "Kompagniskab"
    choose = {"practice_type": kind, "job_satisfaction": JOB_HIGH, "practice_changed": "Ja, lidt"}
    sections = []
    while phone.path.startswith("/svar/side/"):
        sections.append(phone.path.rstrip("/").rsplit("/", 1)[-1])
        changes = page.locator("textarea[name='practice_changes']")
        if changes.count():
            changes.fill(change)
        phone.answer_page(choose=choose, default=WHO5_MOSTLY)
        phone.next()
    assert phone.path == reverse("surveys:review"), (page.url, sections)
    page.get_by_role("button", name="Send mine svar").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-print]").count() == 1, "the receipt"


def test_a_demo_cluster_goes_through_the_whole_cycle(browser, soffice, live_server, smtp_server, settings, tmp_path):  # noqa: F811
    settings.SITE_URL = live_server.url
    order = build_country()
    cluster = order.cluster
    today = timezone.localdate()
    coordinator = Coordinator(browser, live_server.url)
    page = coordinator.page

    # --- Log in as the demo's koordinator2 and find the order of the closed round.
    page.goto(live_server.url + reverse("accounts:login"))
    coordinator.check("login")
    page.get_by_label("Brugernavn").fill("koordinator2")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    coordinator.click("button", "Log ind")
    coordinator.check("home")
    coordinator.click("link", cluster.name)
    coordinator.check("cluster")
    coordinator.click("link", order.package.title)
    assert page.url.endswith(reverse("surveys:order_detail", args=[cluster.code, order.pk]))
    main = page.locator("main").inner_text()
    assert "Status: Spørgeskema lukket" in main
    # Not before the planned date: the cluster met earlier, so the plan is moved first.
    assert f"Mødet er planlagt til {danish_date(order.meeting_date)}" in main
    assert not page.get_by_role("link", name="Registrér mødet som holdt").count()
    coordinator.check("order-closed")
    page.get_by_label("Mødedato").fill(today.isoformat())
    coordinator.click("button", "Gem mødeplan")
    assert "Mødeplanen er gemt." in coordinator.message()

    # --- The meeting, recorded through its page: then the decisions.
    coordinator.click("link", "Registrér mødet som holdt")
    coordinator.check("meeting")
    held_on = today
    page.get_by_label("Mødedato").fill(held_on.isoformat())
    page.get_by_label("Mødets faktiske længde i minutter").fill("180")
    page.get_by_label("Fysisk møde").check()
    page.get_by_label("Antal deltagende medlemmer").fill("7")
    page.get_by_label("Korte noter").fill("Godt møde; mødet varede en halv time længere end planlagt.")
    coordinator.click("button", "Registrér mødet")
    assert page.url.endswith(reverse("cycle:decisions", args=[cluster.code, order.pk]))
    coordinator.check("decisions")
    page.get_by_label("WHO-5 trivselsindeks", exact=True).check()
    page.get_by_label("Det håber klyngen at se (WHO-5 trivselsindeks)").fill(HOPE_WHO5)
    job = page.get_by_role("checkbox", name=re.compile("arbejdsglæde", re.IGNORECASE))
    job_label = job.evaluate("box => box.labels[0].textContent.trim()")
    job.check()
    page.get_by_label(f"Det håber klyngen at se ({job_label})").fill(HOPE_JOB)
    page.get_by_label("Klyngens egne fokusområder").fill(FOCUS_AREA)
    page.get_by_label("Opfølgning med pakken").select_option(value=demo.FOLLOW_UP)
    follow_up_on = held_on + timedelta(days=200)
    page.get_by_label("Opfølgningsdato").fill(follow_up_on.isoformat())
    coordinator.click("button", "Gem beslutningerne")
    assert "Klyngens beslutninger er gemt." in coordinator.message()
    main = page.locator("main").inner_text()
    assert f"Målepunkt: WHO-5 trivselsindeks - {HOPE_WHO5}" in main
    assert f"Fokusområde: {FOCUS_AREA}" in main
    coordinator.check("order-decided")

    # --- Two practices get their own links and fill in their plans.
    coordinator.click("link", "Se praksisplanerne")
    coordinator.check("plans")
    partnerships = list(
        cluster.practices.filter(kind="partnership", members__active=True).distinct().order_by("name")[:2]
    )
    assert len(partnerships) == 2
    for practice in partnerships:
        coordinator.click("button", f"Send link til praksis {practice.name}")
        doctors_count = practice.members.filter(active=True).count()
        assert coordinator.message() == f"Et link til planen er sat i kø til {doctors_count} læge(r) i {practice.name}."
    coordinator.check("plans-sent")
    links = links_in(smtp_server.mailbox, sent(smtp_server), PLAN_LINK)
    doctors = {p.pk: list(Member.objects.filter(practice=p, active=True).order_by("pk")) for p in partnerships}
    assert set(links) == {m.email for members in doctors.values() for m in members}
    first, second = partnerships
    for practice, what, status, share in (
        (first, "Fælles frokost hver torsdag", "I gang", True),
        (second, "Fast lægemøde hver anden uge", "Ikke startet", False),
    ):
        doctor = Phone(browser, live_server.url, f"plan-{practice.pk}")
        try:
            fill_plan(doctor, links[doctors[practice.pk][0].email], what, status, share=share)
            doctor.assert_clean()
        finally:
            doctor.close()

    # --- Three weeks before the follow-up date every practice is asked for its plan's
    # status; the second practice marks its plan done from that e-mail's link.
    asked_on = follow_up_on - timedelta(days=21)
    # (Other clusters of the demo country are asked on that day too.)
    assert request_plan_statuses(asked_on) >= cluster.practices.count()
    status_links = links_in(smtp_server.mailbox, sent(smtp_server), PLAN_LINK)
    esbjerg = set(Member.objects.filter(practice__cluster=cluster, active=True).values_list("email", flat=True))
    assert esbjerg <= set(status_links)
    doctor = Phone(browser, live_server.url, "plan-status")
    try:
        page_ = doctor.page
        page_.goto(status_links[doctors[second.pk][-1].email])
        assert doctor.path == reverse("cycle:practice_plan")
        assert page_.get_by_role("group", name="Ændring 1").get_by_label("Hvad vil vi ændre?").input_value() == (
            "Fast lægemøde hver anden uge"
        )
        page_.get_by_label("Status").select_option(label="Gennemført")
        page_.get_by_role("button", name="Gem planen").click()
        page_.wait_for_load_state("load")
        assert "Jeres plan er gemt." in page_.locator("ul.messages").inner_text()
    finally:
        doctor.close()
    statuses = dict(PracticePlan.objects.filter(order=order).values_list("practice_id", "status"))
    assert statuses[first.pk] == PracticePlan.Status.UNDER_WAY
    assert statuses[second.pk] == PracticePlan.Status.DONE

    # --- The follow-up date: the order moves on, and the coordinator gets the e-mail.
    mark_follow_ups_due(follow_up_on)
    notify_follow_ups_due(follow_up_on)
    due_mails = [m for m in sent(smtp_server) if m["To"] == "koordinator2@klyngepakke.example"]
    assert len(due_mails) == 1
    assert due_mails[0]["Subject"] == f"Tid til opfølgning: {order.package.title}"
    order_link = ORDER_LINK.search(smtp_server.mailbox.text_of(due_mails[0])).group(0)
    page.goto(order_link)
    assert "Status: Opfølgning forfalden" in page.locator("main").inner_text()
    coordinator.check("order-due")
    # One way to order it: the decided follow-up's order form, with the meeting date.
    assert page.get_by_text("Bestil opfølgning", exact=True).count() == 1
    coordinator.click("link", "Bestil opfølgning")
    coordinator.check("follow-up-form")
    page.get_by_label("Mødedato").fill((today + timedelta(days=28)).isoformat())
    page.get_by_label("Mødestart (valgfri)").fill("16:30")
    page.get_by_label("Mødested (valgfrit)").fill("Sundhedshuset Esbjerg")
    coordinator.click("button", "Bestil", exact=True)
    assert "er bestilt" in coordinator.message()
    follow_up = Order.objects.get(follows_up=order)
    assert follow_up.package.code == demo.FOLLOW_UP
    assert follow_up.survey_opens_on is not None  # scheduled from the meeting date
    assert page.url.endswith(reverse("surveys:order_detail", args=[cluster.code, follow_up.pk]))
    coordinator.check("follow-up-ordered")

    # --- Its round opened now instead of on its date; the doctors answer from their links.
    page.locator("summary", has_text="Åbn spørgeskemaet nu i stedet").click()
    page.get_by_label("Svarfrist (sidste dag)").fill((today + timedelta(days=14)).isoformat())
    coordinator.click("button", "Åbn og send invitationer")
    assert "Spørgeskemaet er åbnet" in coordinator.message()
    coordinator.check("round-open")
    invitations = links_in(smtp_server.mailbox, sent(smtp_server), SURVEY_LINK)
    active = Member.objects.filter(practice__cluster=cluster, active=True).select_related("practice")
    assert set(invitations) == {m.email for m in active}
    for number, member in enumerate(active.order_by("pk")[:ANSWERING]):
        phone = Phone(browser, live_server.url, f"doctor-{number}")
        try:
            answer_follow_up(phone, invitations[member.email], member.practice.kind, f"Ændring nummer {number + 1}")
        finally:
            phone.close()

    # --- The coordinator closes the round (confirmed on its own page) and, once its
    # reopen window has passed (midnight, simulated), downloads the deck.
    page.reload()
    coordinator.click("link", "Luk runden nu")
    coordinator.check("round-close-confirm")
    coordinator.click("button", "Ja, luk runden nu")
    assert "Runden er lukket" in coordinator.message()
    assert "Resultaterne vises fra i morgen" in page.locator("main").inner_text()
    coordinator.check("round-closed-window")
    Round.objects.filter(order=follow_up).update(reopen_until=timezone.now())
    page.reload()
    coordinator.check("round-closed")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Præsentation til mødet")).click()
    deck_path = tmp_path / "opfoelgning.pptx"
    download.value.save_as(deck_path)
    coordinator.click("link", "Se resultater")
    coordinator.check("results")
    coordinator.assert_clean()
    coordinator.context.close()

    check_deck(deck_path, follow_up_on, cluster.practices.count())
    render_deck(soffice, deck_path)


def check_deck(path: Path, follow_up_on: Any, practices: int) -> None:
    from pptx import Presentation

    slides = list(Presentation(io.BytesIO(path.read_bytes())).slides)
    assert title(slides[1]) == "Opfølgning fra sidste møde"
    decisions = slide_text(slides[1])
    for text in (
        FOCUS_AREA,
        f'Opfølgning med pakken "Opfølgning på trivsel og arbejdsglæde" omkring {danish_date(follow_up_on)}.',
        "WHO-5 trivselsindeks",
        f"2 af {practices} praksisser har lavet en plan",
        "1 i gang",
        "1 gennemført",
        "0 droppet",
    ):
        assert text in decisions, (text, decisions)

    assert title(slides[2]) == "Målepunkter før og efter"
    rows = {row[0]: row[1:] for row in table_rows(slides[2], "Målepunkter")[1:]}
    assert len(rows) == 2, rows
    who5 = rows["WHO-5 trivselsindeks"]
    (job_label,) = (label for label in rows if label != "WHO-5 trivselsindeks")
    job = rows[job_label]
    for before, after, _difference in (who5, job):
        assert not before.startswith("Vises ikke"), before
        assert not after.startswith("Vises ikke"), after
    assert who5[1] == f"80,0 (n\u00a0=\u00a0{ANSWERING})", who5
    assert job[1] == f"3,0 (n\u00a0=\u00a0{ANSWERING})", job
    words = slide_text(slides[2])
    assert f"Klyngen håbede: {HOPE_WHO5}" in words
    assert f"Klyngen håbede: {HOPE_JOB}" in words


def render_deck(soffice: str, path: Path) -> None:  # noqa: F811
    from pptx import Presentation

    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(path.parent / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(path.parent),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = path.with_suffix(".pdf")
    assert pdf_pages(pdf) == len(Presentation(str(path)).slides)
    if SCREENSHOTS and shutil.which("pdftoppm"):
        shutil.copy(path, Path(SCREENSHOTS) / path.name)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", str(pdf), str(Path(SCREENSHOTS) / "deck")],
            check=True,
            timeout=120,
        )
