"""The respondent's questionnaire: no login, one section per page, exactly-once submit.

The e-mailed link's token is exchanged for a session on first use and the browser is
sent on to token-free URLs (like Django's password-reset confirm view), so the token
never sits in later URLs, referrers or logs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from klyngepakke.core.questionnaire import FieldError, Section
from klyngepakke.core.scoring import respondent_scores

from . import drafts, respondent_throttle, selectors, services
from . import respondent_pages as pages
from .answers import answer_rows
from .selectors import RespondentState

SESSION_INVITATION = "survey_invitation"
# Set (for the browser session only) on the response to a successful submit, so the
# back button, a reload or a second tab in that browser meets "you have already
# answered" rather than "open the link". It holds nothing but "1"; the server keeps
# nothing of the submit or its feedback.
ANSWERED_COOKIE = "survey_answered"
# The key that seals this respondent's saved partial answers (surveys.drafts), derived
# from the link token when the link is opened. A cookie, not the session: sessions are
# rows in the database, and the key must never be. No expiry: it ends with the browser
# session, and resuming later means opening the link again.
DRAFT_KEY_COOKIE = "survey_key"

PROBLEMS = {
    "invalid": (
        404,
        _("Linket virker ikke"),
        _("Linket er ugyldigt eller ufuldstændigt. Kopiér hele linket fra e-mailen, eller brug knappen i e-mailen."),
    ),
    "answered": (
        410,
        _("Du har allerede svaret"),
        _(
            "Tak - dit svar er modtaget. Man kan kun svare én gang, og svaret kan ikke ændres, "
            "fordi det ikke er knyttet til dig."
        ),
    ),
    "closed": (
        410,
        _("Spørgeskemaet er lukket"),
        _(
            "Svarfristen er overskredet, eller runden er lukket. "
            "Kontakt din klyngekoordinator, hvis du mener, det er en fejl."
        ),
    ),
    "no_session": (
        403,
        _("Åbn linket fra din e-mail"),
        _(
            "Vi kan ikke se, hvilket spørgeskema du er i gang med. "
            "Åbn linket fra din invitation igen - dine svar indtil nu er gemt."
        ),
    ),
    "throttled": (
        429,
        _("For mange forsøg"),
        _(
            "Der er prøvet for mange ugyldige links fra din forbindelse. "
            "Vent et kvarter, og prøv igen med linket fra din e-mail."
        ),
    ),
    "not_stored": (
        409,
        _("Dit svar blev ikke gemt"),
        _(
            "Spørgeskemaet kunne ikke modtage dit svar. "
            "Åbn linket fra din e-mail igen, eller kontakt din klyngekoordinator."
        ),
    ),
}

# The refusal reasons of services.store_submission and the page each one gets. A double
# click reaches the service twice before either request has seen the other's answer, so
# the service's own reasons need pages as much as the selectors' problems do.
SUBMIT_REFUSALS = {
    "already_answered": "answered",
    "closed": "closed",
}


def _error_message(error: FieldError, section: Section) -> str:
    question = next((q for q in section.questions if error.code in q.answer_codes), None)
    if error.kind == "too_long":
        return _("Svaret må højst være %(limit)s tegn.") % {"limit": error.limit}
    if error.kind == "required":
        if question is not None and question.type == "text":
            return str(_("Skriv et svar."))
        if question is not None and question.type == "multiple":
            return str(_("Vælg mindst én svarmulighed."))
        return str(_("Vælg et svar."))
    if error.kind == "choose_listed":
        return str(_("Vælg blandt de viste svarmuligheder."))
    return str(_("Vælg én af de viste svarmuligheder."))


def _text(value: dict[str, str] | None) -> str:
    if not value:
        return ""
    return value.get(get_language() or "da") or value["da"]


# The redirect away from /s/<token>/ sends no referrer at all. Rendered pages send only
# the origin: never a path (a problem page may be rendered at the token URL), yet
# browsers still send a real Origin header on POST, which Django's CSRF check needs
# (with no-referrer Chromium sends "Origin: null" and every form is refused).
PAGE_REFERRER_POLICY = "strict-origin"


def _problem(request: HttpRequest, problem: str) -> HttpResponse:
    status, title, message = PROBLEMS[problem]
    response = render(request, "surveys/respondent/problem.html", {"title": title, "message": message}, status=status)
    response["Referrer-Policy"] = PAGE_REFERRER_POLICY
    return response


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    """The page for a submit the service did not store. An unknown reason still gets a
    page, never a 500 (the tests map every reason the services define)."""
    return _problem(request, SUBMIT_REFUSALS.get(reason, "not_stored"))


@require_GET
def enter(request: HttpRequest, token: str) -> HttpResponse:
    if respondent_throttle.is_blocked(request):
        return _problem(request, "throttled")
    invitation_id, problem = selectors.invitation_for_token(token)
    if problem:
        if problem == "invalid":
            respondent_throttle.record_bad_link(request)
        return _problem(request, problem)
    if request.session.session_key is not None:
        # The browser brought a session: continue under a new key (no fixation). A
        # browser without one gets a fresh key when the session is saved.
        request.session.cycle_key()
    request.session[SESSION_INVITATION] = invitation_id
    response = redirect("surveys:landing")
    response["Referrer-Policy"] = "no-referrer"
    response.set_cookie(
        DRAFT_KEY_COOKIE,
        drafts.encode_key(drafts.key_for_token(token)),
        path=reverse("surveys:landing"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    response.delete_cookie(ANSWERED_COOKIE, path=reverse("surveys:landing"))  # a new questionnaire
    return response


def _current(request: HttpRequest) -> RespondentState | HttpResponse:
    invitation_id = request.session.get(SESSION_INVITATION)
    if invitation_id is None:
        return _no_invitation(request)
    key = drafts.decode_key(request.COOKIES.get(DRAFT_KEY_COOKIE))
    if key is None:  # the browser session that opened the link has ended
        return _problem(request, "no_session")
    state, problem = selectors.respondent_state(invitation_id, key)
    if state is None:
        return _problem(request, "closed" if problem == "invalid" else problem)
    return state


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = PAGE_REFERRER_POLICY
    return response


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if isinstance(current, HttpResponse):
        return current
    questionnaire, answers = current.questionnaire, current.answers
    sections = questionnaire.visible_sections(answers)
    resume = next((s for s in sections if not _section_answered(s, answers)), None)
    # Every page answered: a returning doctor goes straight to the review.
    start_url = reverse("surveys:section", args=[resume.code]) if resume else reverse("surveys:review")
    return _page(
        request,
        "surveys/respondent/landing.html",
        {
            "title": _text(current.document["title"]),
            "intro": _text(questionnaire.intro),
            "minutes": questionnaire.estimated_minutes,
            "cluster": selectors.round_cluster_name(current.round_id),
            "closes_at": current.closes_at,
            "start_url": start_url,
            "started": bool(answers),
        },
    )


def _section_answered(section: Section, answers: dict[str, Any]) -> bool:
    return any(code in answers for q in section.visible_questions(answers) for code in q.answer_codes)


def _neighbours(sections: tuple[Section, ...], code: str) -> tuple[Section | None, Section | None, int]:
    codes = [s.code for s in sections]
    index = codes.index(code)
    previous = sections[index - 1] if index > 0 else None
    following = sections[index + 1] if index + 1 < len(sections) else None
    return previous, following, index


def _question_view(section: Section, answers: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The section's questions for the template, with markers where the answers go.

    The markup depends on `answers` only through routing (which questions show), so it
    can be kept for everyone on the same route; respondent_pages fills the answers in.
    """
    shown = []
    for question in section.visible_questions(answers):
        labels = [(o.code, _text(o.label)) for o in question.options]
        shown.append(
            {
                "q": question,
                "text": _text(question.text),
                "help": _text(question.help),
                "options": [
                    {"code": code, "label": label, "checked": pages.checked(question.code, code)}
                    for code, label in labels
                ],
                "items": [
                    {
                        "code": i.code,
                        "text": _text(i.text),
                        "error": errors.get(i.code),
                        "options": [
                            {"code": code, "label": label, "checked": pages.checked(i.code, code)}
                            for code, label in labels
                        ],
                    }
                    for i in question.items
                ],
                "value": pages.text(question.code),
                "error": errors.get(question.code),
            }
        )
    return shown


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, code: str) -> HttpResponse:
    current = _current(request)
    if isinstance(current, HttpResponse):
        return current
    questionnaire, answers = current.questionnaire, dict(current.answers)
    target = questionnaire.section(code)
    sections = questionnaire.visible_sections(answers)
    if target is None or target.code not in {s.code for s in sections}:
        return redirect("surveys:landing")
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {key: request.POST.getlist(key) for key in request.POST if key not in {"csrfmiddlewaretoken", "nav"}}
        page_answers, field_errors = questionnaire.parse_section(target, data, answers)
        for shown in target.visible_questions(answers | page_answers):
            for answer_code in shown.answer_codes:
                answers.pop(answer_code, None)
        answers.update(page_answers)
        answers = questionnaire.clean(answers)
        going_back = request.POST.get("nav") == "back"
        if field_errors and not going_back:
            errors = {e.code: _error_message(e, target) for e in field_errors}
        else:
            key = drafts.decode_key(request.COOKIES.get(DRAFT_KEY_COOKIE))
            if key is None:  # (_current has checked it already)
                return _problem(request, "no_session")
            services.save_partial(current.invitation_id, answers, key, exists=current.has_draft)
            sections = questionnaire.visible_sections(answers)
            previous, following, _ = _neighbours(sections, target.code)
            if going_back:
                return redirect("surveys:section", previous.code) if previous else redirect("surveys:landing")
            return redirect("surveys:section", following.code) if following else redirect("surveys:review")
    previous, _following, index = _neighbours(sections, target.code)
    visible = tuple(q.code for q in target.visible_questions(answers))

    def context() -> dict[str, Any]:
        return {
            "section": target,
            "title": _text(target.title),
            "intro": _text(target.intro),
            "questions": _question_view(target, answers, errors),
            "errors": errors,
            "step": index + 1,
            "steps": len(sections) + 1,
            "percent": round(100 * index / (len(sections) + 1)),
            "has_previous": previous is not None,
        }

    # Everything the markup depends on; pages with validation messages are not kept.
    key = None if errors else (current.version_id, current.content_hash, target.code, visible, index, len(sections))
    response = pages.respond(
        request, "surveys/respondent/section.html", context, answers, key=key, status=400 if errors else 200
    )
    response["Referrer-Policy"] = PAGE_REFERRER_POLICY
    return response


def _display_answer(question: Any, value: Any, labels: dict[str, str]) -> str:
    """The review's text for an answer; `labels` maps the question's option codes to labels."""
    if value is None:
        return ""
    if question.type == "text":
        return str(value)
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    return labels.get(value, value)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if isinstance(current, HttpResponse):
        return current
    questionnaire, answers = current.questionnaire, current.answers
    missing = questionnaire.missing_required(answers)
    if request.method == "POST" and not missing:
        rows = answer_rows(questionnaire, answers)
        outcome = services.store_submission(current.invitation_id, rows, round_id=current.round_id)
        if not outcome.stored:
            return refused(request, outcome.reason)
        return _thanks(request, _feedback(current, answers))
    sections = questionnaire.visible_sections(answers)
    shown = [(sec, sec.visible_questions(answers)) for sec in sections]

    def context() -> dict[str, Any]:
        summary = []
        for sec, questions in shown:
            rows_view = []
            for question in questions:
                if question.type == "matrix":
                    for item in question.items:
                        rows_view.append({"text": _text(item.text), "answer": pages.answer(question.code, item.code)})
                else:
                    rows_view.append(
                        {"text": _text(question.text), "answer": pages.answer(question.code, question.code)}
                    )
            summary.append({"code": sec.code, "title": _text(sec.title), "rows": rows_view})
        missing_view = [{"section": s.code, "title": _text(s.title)} for s, _ in missing]
        return {
            "summary": summary,
            "missing": list({m["section"]: m for m in missing_view}.values()),
            "step": len(sections) + 1,
            "steps": len(sections) + 1,
            "percent": round(100 * len(sections) / (len(sections) + 1)),
            "last_section": sections[-1].code if sections else None,
        }

    labels: dict[str, dict[str, str]] = {}
    unanswered = str(_("(ikke besvaret)"))

    def show(question_code: str, value: Any) -> str:
        question = questionnaire.questions[question_code]
        if question_code not in labels:
            labels[question_code] = {o.code: _text(o.label) for o in question.options}
        return _display_answer(question, value, labels[question_code]) or unanswered

    route = tuple((sec.code, tuple(q.code for q in questions)) for sec, questions in shown)
    key = None if missing else (current.version_id, current.content_hash, route)
    response = pages.respond(
        request,
        "surveys/respondent/review.html",
        context,
        answers,
        key=key,
        show=show,
        status=400 if request.method == "POST" else 200,
    )
    response["Referrer-Policy"] = PAGE_REFERRER_POLICY
    return response


def _feedback(current: RespondentState, answers: dict[str, Any]) -> dict[str, Any]:
    document = current.document
    region = selectors.round_region_code(current.round_id)
    scores = [
        {
            "label": _text(result.definition.label),
            "value": round(result.value),
            "max": round(result.definition.max),
            "band_label": _text(result.band.label) if result.band else "",
            "band_meaning": _text(result.band.meaning) if result.band else "",
            "seek_help": bool(result.band and result.band.seek_help),
            "meaningful_change": result.definition.meaningful_change,
        }
        for result in respondent_scores(document, answers)
    ]
    contacts = [
        {
            "name": c["name"],
            "description": _text(c["description"]),
            "phone": c.get("phone", ""),
            "url": c.get("url", ""),
        }
        for c in document.get("help_contacts", [])
        if c.get("region") in (None, region)
    ]
    return {"package": _text(document["title"]), "scores": scores, "contacts": contacts}


def _thanks(request: HttpRequest, feedback: dict[str, Any]) -> HttpResponse:
    """The receipt with the private feedback, as the response to the submit itself.

    The feedback ("gemmes ikke") is rendered once, here, and stored nowhere: no redirect
    that would read it back from the session or a cache. The session is flushed (its row
    deleted, the invitation forgotten), so back, reload or a second tab in this browser
    get the "already answered" page without the scores (ANSWERED_COOKIE).
    """
    request.session.flush()
    response = _page(request, "surveys/respondent/thanks.html", feedback)
    add_never_cache_headers(response)
    response.delete_cookie(DRAFT_KEY_COOKIE, path=reverse("surveys:landing"))
    response.set_cookie(
        ANSWERED_COOKIE,
        "1",
        path=reverse("surveys:landing"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _no_invitation(request: HttpRequest) -> HttpResponse:
    if request.COOKIES.get(ANSWERED_COOKIE) == "1":
        # Back, reload or a second tab after submitting in this browser.
        return _problem(request, "answered")
    return _problem(request, "no_session")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The receipt is the submit's own response; this address only explains itself."""
    return _no_invitation(request)
