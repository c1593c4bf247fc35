"""The respondent's questionnaire: no login, one section per page, exactly-once submit.

The e-mailed link's token is exchanged for a session on first use and the browser is
sent on to token-free URLs (like Django's password-reset confirm view), so the token
never sits in later URLs, referrers or logs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from klyngepakke.core.questionnaire import FieldError, Questionnaire, Section
from klyngepakke.core.scoring import respondent_scores

from . import respondent_throttle, selectors, services
from .answers import answer_rows
from .models import Invitation

SESSION_INVITATION = "survey_invitation"
SESSION_FEEDBACK = "survey_feedback"

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


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@require_GET
def enter(request: HttpRequest, token: str) -> HttpResponse:
    address = _client_address(request)
    if respondent_throttle.is_blocked(address):
        return _problem(request, "throttled")
    check = selectors.invitation_for_token(token)
    if check.problem:
        if check.problem == "invalid":
            respondent_throttle.record_bad_link(address)
        return _problem(request, check.problem)
    request.session.cycle_key()
    request.session.pop(SESSION_FEEDBACK, None)
    assert check.invitation is not None
    request.session[SESSION_INVITATION] = check.invitation.pk
    response = redirect("surveys:landing")
    response["Referrer-Policy"] = "no-referrer"
    return response


class _Context:
    def __init__(self, invitation: Invitation, questionnaire: Questionnaire, answers: dict[str, Any]) -> None:
        self.invitation = invitation
        self.questionnaire = questionnaire
        self.answers = answers

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.questionnaire.visible_sections(self.answers)


def _current(request: HttpRequest) -> _Context | HttpResponse:
    invitation_id = request.session.get(SESSION_INVITATION)
    if invitation_id is None:
        if SESSION_FEEDBACK in request.session:
            # A second tab, the back button or a retry after submitting: show the
            # receipt again instead of an error.
            return redirect("surveys:thanks")
        return _problem(request, "no_session")
    check = selectors.invitation_by_id(invitation_id)
    if check.problem:
        return _problem(request, "closed" if check.problem == "invalid" else check.problem)
    assert check.invitation is not None
    questionnaire = selectors.questionnaire_for(check.invitation.round)
    return _Context(check.invitation, questionnaire, selectors.partial_answers(check.invitation))


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = PAGE_REFERRER_POLICY
    return response


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if isinstance(current, HttpResponse):
        return current
    document = current.invitation.round.package_version.document
    sections = current.sections
    resume = next((s for s in sections if not _section_answered(s, current.answers)), None)
    started = bool(current.answers)
    # Every page answered: a returning doctor goes straight to the review.
    start_url = reverse("surveys:section", args=[resume.code]) if resume else reverse("surveys:review")
    return _page(
        request,
        "surveys/respondent/landing.html",
        {
            "title": _text(document["title"]),
            "intro": _text(current.questionnaire.intro),
            "minutes": current.questionnaire.estimated_minutes,
            "cluster": current.invitation.round.order.cluster.name,
            "closes_at": current.invitation.round.closes_at,
            "start_url": start_url,
            "started": started,
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
    shown = []
    for question in section.visible_questions(answers):
        shown.append(
            {
                "q": question,
                "text": _text(question.text),
                "help": _text(question.help),
                "options": [{"code": o.code, "label": _text(o.label)} for o in question.options],
                "items": [
                    {"code": i.code, "text": _text(i.text), "value": answers.get(i.code), "error": errors.get(i.code)}
                    for i in question.items
                ],
                "value": answers.get(question.code),
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
    sections = current.sections
    if target is None or target.code not in [s.code for s in sections]:
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
            services.save_partial(current.invitation, answers)
            sections = questionnaire.visible_sections(answers)
            previous, following, _ = _neighbours(sections, target.code)
            if going_back:
                return redirect("surveys:section", previous.code) if previous else redirect("surveys:landing")
            return redirect("surveys:section", following.code) if following else redirect("surveys:review")
    previous, _following, index = _neighbours(sections, target.code)
    return _page(
        request,
        "surveys/respondent/section.html",
        {
            "section": target,
            "title": _text(target.title),
            "intro": _text(target.intro),
            "questions": _question_view(target, answers, errors),
            "errors": errors,
            "step": index + 1,
            "steps": len(sections) + 1,
            "percent": round(100 * index / (len(sections) + 1)),
            "has_previous": previous is not None,
        },
        status=400 if errors else 200,
    )


def _display_answer(question: Any, value: Any) -> str:
    if value is None:
        return ""
    if question.type == "text":
        return str(value)
    labels = {o.code: _text(o.label) for o in question.options}
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
        outcome = services.store_submission(current.invitation.pk, rows)
        if not outcome.stored:
            return _problem(request, outcome.reason)
        feedback = _feedback(current.invitation, answers)
        # A fresh session that knows nothing of the invitation holds only the feedback.
        request.session.flush()
        request.session[SESSION_FEEDBACK] = feedback
        return redirect("surveys:thanks")
    summary = []
    for sec in current.sections:
        rows_view = []
        for question in sec.visible_questions(answers):
            if question.type == "matrix":
                for item in question.items:
                    rows_view.append(
                        {"text": _text(item.text), "answer": _display_answer(question, answers.get(item.code))}
                    )
            else:
                rows_view.append(
                    {"text": _text(question.text), "answer": _display_answer(question, answers.get(question.code))}
                )
        summary.append({"code": sec.code, "title": _text(sec.title), "rows": rows_view})
    missing_view = [{"section": s.code, "title": _text(s.title)} for s, _ in missing]
    unique_missing = list({m["section"]: m for m in missing_view}.values())
    sections = current.sections
    return _page(
        request,
        "surveys/respondent/review.html",
        {
            "summary": summary,
            "missing": unique_missing,
            "step": len(sections) + 1,
            "steps": len(sections) + 1,
            "percent": round(100 * len(sections) / (len(sections) + 1)),
            "last_section": sections[-1].code if sections else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _feedback(invitation: Invitation, answers: dict[str, Any]) -> dict[str, Any]:
    document = invitation.round.package_version.document
    region = invitation.round.order.cluster.region.code
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


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    feedback = request.session.get(SESSION_FEEDBACK)
    if feedback is None:
        return _problem(request, "no_session")
    return _page(request, "surveys/respondent/thanks.html", feedback)
