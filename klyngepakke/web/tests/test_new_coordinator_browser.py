"""A brand-new coordinator goes from the registry import to the meeting pack with no staff.

Issue 12's "Done when": a small country is imported through the registry with the
`klyngerolle` column, which creates the coordinator's login and queues a set-password
e-mail. In Chromium (Playwright, 360 px wide) the coordinator sets a password from that
e-mail's link (read off the loopback SMTP server), logs in, goes to the package pages and
orders "Trivsel og arbejdsglæde" with a meeting date. The duties then do what the
scheduler does: the survey opens on its day (`open_due_rounds`), robot doctors answer
through the respondent pages from their e-mailed links (k of them), the round closes
after its last day (`close_due_rounds`), the files are built (`build_missing_materials`)
and the coordinator is told (`notify_materials_ready`). The e-mail's one link downloads
the whole pack ("Hent alt"); the zip holds the deck, the handouts and the spreadsheet.
No staff login at any step.

Every click and every form field the coordinator needs is counted and printed (run with
`-s` to see it; README.md records it). Every coordinator page passed is checked with
axe-core (WCAG 2.1 A/AA) at 360 px and must not scroll sideways. CYCLE_SCREENSHOTS=/some/dir
keeps a screenshot of each of those pages and of the "materials ready" e-mail.

Run with `-m browser`; skipped when Chromium is missing unless REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from klyngepakke.cycle.models import Order
from klyngepakke.cycle.tests.test_whole_cycle_browser import SCREENSHOTS, Coordinator, sent
from klyngepakke.materials.exporters import exporters
from klyngepakke.materials.handouts.content import HANDOUTS
from klyngepakke.materials.services import build_missing_materials, current_file
from klyngepakke.notifications.services import notify_materials_ready
from klyngepakke.registry.csv_format import ALL_COLUMNS
from klyngepakke.registry.models import ClusterAssignment, Member
from klyngepakke.registry.services import import_registry
from klyngepakke.surveys.models import Invitation, Round
from klyngepakke.surveys.scheduled import open_due_rounds
from klyngepakke.surveys.services import close_due_rounds, min_group_size
from klyngepakke.surveys.tests.test_respondent_browser import Phone, browser  # noqa: F401 - fixture
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PACKAGE = "trivsel-og-arbejdsglaede"
PACKAGE_TITLE = "Trivsel og arbejdsglæde"
COORDINATOR_EMAIL = "hanne.krogh@laege.example"
PASSWORD = "min-egen-lange-kode-2026"
SET_PASSWORD_LINK = re.compile(r"https?://\S+/konto/ny-adgangskode/\S+")
SURVEY_LINK = re.compile(r"https?://\S+/s/[A-Za-z0-9_-]{32}/")
CLUSTER = "syddanmark;ribe;Klynge Ribe"
# What the coordinator needs, as README.md ("Coordinator self-service") records it.
CLICKS = 9  # two of them on links in e-mails
FIELDS = 5
# Five practices, seven doctors; Hanne Krogh is the cluster's coordinator (and a doctor).
REGISTRY = "\n".join(
    [
        ";".join(ALL_COLUMNS),
        f"{CLUSTER};ri-01;Lægehuset Torvet;kompagniskab;2;Hanne Krogh;{COORDINATOR_EMAIL};praktiserende læge;ja;"
        "koordinator",
        f"{CLUSTER};ri-01;Lægehuset Torvet;kompagniskab;2;Ole Bak;ole.bak@laege.example;praktiserende læge;ja;",
        f"{CLUSTER};ri-02;Lægerne i Nørregade;kompagniskab;2;Lis Dam;lis.dam@laege.example;praktiserende læge;ja;",
        f"{CLUSTER};ri-02;Lægerne i Nørregade;kompagniskab;2;Per Ry;per.ry@laege.example;praktiserende læge;ja;",
        f"{CLUSTER};ri-03;Læge Eva Lund;solo;1;Eva Lund;eva.lund@laege.example;praktiserende læge;ja;",
        f"{CLUSTER};ri-04;Læge Mads Vig;solo;1;Mads Vig;mads.vig@laege.example;praktiserende læge;ja;",
        f"{CLUSTER};ri-05;Lægehuset Åen;kompagniskab;2;Sif Holm;sif.holm@laege.example;uddannelseslæge;ja;",
    ]
)


class CountingCoordinator(Coordinator):
    """The coordinator's browser, counting every click and every form field filled."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        super().__init__(chromium, base_url)
        self.clicks = 0
        self.fields = 0

    def click(self, role: str, name: str, **kwargs: Any) -> None:
        self.clicks += 1
        super().click(role, name, **kwargs)

    def follow_mail_link(self, url: str) -> None:
        """A click on a link in an e-mail (the mail client opens it in the browser)."""
        self.clicks += 1
        self.page.goto(url)

    def fill(self, label: str, value: str, **kwargs: Any) -> None:
        self.fields += 1
        self.page.get_by_label(label, **kwargs).fill(value)


def import_small_country() -> None:
    factories.region("syddanmark")
    factories.shipped_catalogue()
    report = import_registry(REGISTRY, "register.csv")
    assert (report.members.created, report.access.logins_created, report.access.granted) == (7, 1, 1), report


def answer_as_a_robot(chromium: Any, base_url: str, link: str, name: str) -> None:
    """A doctor answers the whole questionnaire from the e-mailed link (the respondent
    pages themselves are checked with axe in test_respondent_browser)."""
    phone = Phone(chromium, base_url, name)
    try:
        page = phone.page
        page.goto(link)
        assert phone.path == reverse("surveys:landing"), page.url
        page.get_by_role("link", name="Start spørgeskemaet").click()
        page.wait_for_load_state("load")
        while phone.path.startswith("/svar/side/"):
            phone.answer_page(default="Det meste af tiden")
            phone.next()
        assert phone.path == reverse("surveys:review"), page.url
        page.get_by_role("button", name="Send mine svar").click()
        page.wait_for_load_state("load")
        assert page.locator("[data-print]").count() == 1, "the receipt"
        phone.assert_clean()
    finally:
        phone.close()


def test_a_new_coordinator_gets_from_the_registry_to_the_meeting_pack_alone(
    browser,  # noqa: F811
    live_server,
    smtp_server,
    settings,
    tmp_path,
    capsys,
):
    started = time.monotonic()
    settings.SITE_URL = live_server.url
    import_small_country()
    user = get_user_model().objects.get(email=COORDINATOR_EMAIL)
    assert not user.is_staff
    assert not user.has_usable_password()
    cluster = ClusterAssignment.objects.get(user=user, role=ClusterAssignment.Role.COORDINATOR).cluster

    # --- The set-password e-mail the import queued.
    (welcome,) = sent(smtp_server)
    assert welcome["To"] == COORDINATOR_EMAIL
    welcome_text = smtp_server.mailbox.text_of(welcome)
    username = re.search(r"Dit brugernavn er: (\S+)", welcome_text).group(1)
    link = SET_PASSWORD_LINK.search(welcome_text).group(0)

    coordinator = CountingCoordinator(browser, live_server.url)
    page = coordinator.page
    coordinator.follow_mail_link(link)
    coordinator.check("set-password")
    coordinator.fill("Ny adgangskode", PASSWORD)
    coordinator.fill("Gentag den nye adgangskode", PASSWORD)
    coordinator.click("button", "Gem adgangskode")
    assert page.url.endswith(reverse("accounts:password_reset_complete")), page.url
    coordinator.check("password-saved")
    coordinator.click("link", "Log ind")
    coordinator.check("login")
    coordinator.fill("Brugernavn", username)
    coordinator.fill("Adgangskode", PASSWORD)
    coordinator.click("button", "Log ind")
    coordinator.check("home")

    # --- The package pages, and the order with a meeting date.
    coordinator.click("link", "Pakker", exact=True)
    coordinator.check("packages")
    coordinator.click("link", PACKAGE_TITLE, exact=True)
    coordinator.check("package")
    coordinator.click("link", f"Bestil {PACKAGE_TITLE} til {cluster.name}")
    coordinator.check("order-form")
    meeting = timezone.localdate() + timedelta(days=45)
    coordinator.fill("Mødedato", meeting.isoformat())
    coordinator.click("button", "Bestil", exact=True)
    order = Order.objects.get(cluster=cluster, package__code=PACKAGE)
    assert page.url.endswith(reverse("surveys:order_detail", args=[cluster.code, order.pk])), page.url
    assert order.meeting_date == meeting
    assert order.survey_opens_on is not None
    assert order.survey_closes_on is not None
    assert timezone.localdate() < order.survey_opens_on < order.survey_closes_on < meeting
    coordinator.check("order")

    # --- The opening day: the survey opens by itself, the invitations go out.
    assert open_due_rounds(order.survey_opens_on - timedelta(days=1)) == 0
    assert open_due_rounds(order.survey_opens_on) == 1
    round_ = Round.objects.get(order=order)
    messages = sent(smtp_server)
    invitations = {}
    for message in messages:
        found = SURVEY_LINK.search(smtp_server.mailbox.text_of(message))
        if found:
            invitations[str(message["To"])] = found.group(0)
    members = set(Member.objects.filter(practice__cluster=cluster).values_list("email", flat=True))
    assert set(invitations) == members
    opened = [m for m in messages if str(m["Subject"]).strip() == f"Spørgeskemaet er åbent: {PACKAGE_TITLE}"]
    assert [m["To"] for m in opened] == [COORDINATOR_EMAIL], "the coordinator hears that the survey is open"

    # --- k robot doctors answer through the respondent pages.
    k = min_group_size(round_)
    robots = sorted(members - {COORDINATOR_EMAIL})[:k]
    for number, email in enumerate(robots):
        answer_as_a_robot(browser, live_server.url, invitations[email], f"robot-{number}")
    assert Invitation.objects.filter(round=round_, answered=True).count() == k

    # --- After the last day: the round closes, the files are built, the coordinator is told.
    assert close_due_rounds(round_.closes_at - timedelta(minutes=1)) == 0
    assert close_due_rounds(round_.closes_at + timedelta(minutes=1)) == 1
    order.refresh_from_db()
    assert order.state == Order.State.SURVEY_CLOSED
    assert build_missing_materials() == 1
    assert notify_materials_ready() == 1
    # (A long encoded subject is folded; the parser keeps the fold's leading space.)
    (ready,) = [m for m in sent(smtp_server) if str(m["Subject"]).strip().startswith("Mødematerialet er klar")]
    assert ready["To"] == COORDINATOR_EMAIL
    pack_url = live_server.url + reverse("materials:download_all", args=[cluster.code, round_.pk])
    ready_text = smtp_server.mailbox.text_of(ready)
    assert pack_url in ready_text, ready_text
    assert f'href="{pack_url}"' in smtp_server.mailbox.html_of(ready)

    if SCREENSHOTS:  # the e-mail as a mail client shows it
        mail = coordinator.context.new_page()
        mail.set_viewport_size({"width": 360, "height": 800})
        mail.set_content(smtp_server.mailbox.html_of(ready))
        mail.screenshot(path=Path(SCREENSHOTS) / "coordinator-mail-materials-ready.png", full_page=True)
        mail.close()

    # --- The coordinator follows the link (still logged in) and gets the whole pack.
    from playwright.sync_api import Error as PlaywrightError

    # (Chromium reports a navigation that becomes a download as an aborted navigation.)
    with page.expect_download() as download, pytest.raises(PlaywrightError, match="Download is starting"):
        coordinator.follow_mail_link(pack_url)
    pack_path = tmp_path / "pakke.zip"
    download.value.save_as(pack_path)
    stem = f"{cluster.code}-{PACKAGE}-runde-{round_.pk}"
    with zipfile.ZipFile(io.BytesIO(pack_path.read_bytes())) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    single = [current_file(round_.pk, e.code) for e in exporters()]
    assert entries == {file.name: bytes(file.data) for file in single}
    names = set(entries)
    assert [n for n in names if n.endswith(".pptx")] == [current_file(round_.pk, "deck").name], names
    assert [n for n in names if n.endswith(".xlsx")] == [current_file(round_.pk, "spreadsheet").name], names
    handouts = {n for n in names if n.endswith((".pdf", ".docx"))}
    assert handouts == {
        f"{stem}-{suffix}.{extension}" for _label, suffix, _build in HANDOUTS.values() for extension in ("pdf", "docx")
    }, names

    coordinator.assert_clean()
    coordinator.context.close()
    assert not get_user_model().objects.filter(is_staff=True).exists(), "no staff login at any step"
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nNew coordinator, registry import to meeting pack: {coordinator.clicks} clicks and "
            f"{coordinator.fields} form fields ({len(coordinator.checked)} pages checked with axe at 360 px; "
            f"{elapsed:.0f} s)"
        )
    # README.md records the figure: a longer path is a change to tell, not to slip in.
    assert (coordinator.clicks, coordinator.fields) == (CLICKS, FIELDS)
