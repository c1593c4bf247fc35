"""The members page: a coordinator (or a consultant) maintains the cluster's members.

Access through registry.access (a coordinator reaches only their own clusters; a
facilitator gets 403, another cluster 404); every rule in registry.member_services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.registry import member_selectors, member_services
from klyngepakke.registry.access import can_undo_member_changes, cluster_for, member_for
from klyngepakke.registry.member_services import MemberError
from klyngepakke.registry.models import Cluster, Member, MemberChange
from klyngepakke.surveys import selectors as survey_selectors
from klyngepakke.surveys import services as survey_services
from klyngepakke.surveys.models import Round


class AddMemberForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=200)
    email = forms.CharField(label="E-mail", max_length=254, widget=forms.EmailInput)
    practice = forms.TypedChoiceField(label="Praksis", coerce=int)
    role = forms.ChoiceField(label="Rolle", choices=Member.Role.choices, initial=Member.Role.GP)

    def __init__(self, cluster: Cluster, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practices = cluster.practices.order_by("name")
        self.fields["practice"].choices = [("", "Vælg praksis")] + [(p.pk, p.name) for p in practices]


class EmailForm(forms.Form):
    email = forms.CharField(label="Ny e-mailadresse", max_length=254, widget=forms.EmailInput)


def _page(
    request: HttpRequest, cluster: Cluster, *, form: AddMemberForm | None = None, status: int = 200
) -> HttpResponse:
    context = member_selectors.members_page(cluster)
    context["open_rounds"] = [
        (round_, survey_selectors.uninvited_members(round_)) for round_ in survey_selectors.open_rounds(cluster.pk)
    ]
    context["form"] = form or AddMemberForm(cluster)
    context["can_undo"] = can_undo_member_changes(request.user)
    return render(request, "web/members/members.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def members(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, cluster_for(request.user, code, manage=True))


@login_required
@require_POST
def add(request: HttpRequest, code: str) -> HttpResponse:
    cluster = cluster_for(request.user, code, manage=True)
    form = AddMemberForm(cluster, request.POST)
    if not form.is_valid():
        return _page(request, cluster, form=form, status=400)
    data = form.cleaned_data
    try:
        member = member_services.add_member(
            cluster,
            name=data["name"],
            email=data["email"],
            practice=cluster.practices.filter(pk=data["practice"]).first(),
            role=data["role"],
            by=request.user,
        )
    except MemberError as exc:
        form.add_error(None, str(exc))
        return _page(request, cluster, form=form, status=400)
    note = ""
    if survey_selectors.open_rounds(cluster.pk):
        note = " Runden er allerede åben: invitér lægen med knappen under 'Åbne runder'."
    messages.success(request, f"{member.name} er tilføjet til {member.practice.name}.{note}")
    return redirect("web:members", cluster.code)


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    cluster, member = member_for(request.user, code, member_id)
    form = EmailForm(request.POST or None, initial={"email": member.email})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                member_services.change_email(member, form.cleaned_data["email"], by=request.user)
            except MemberError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, f"{member.name}s e-mailadresse er rettet.")
                return redirect("web:members", cluster.code)
        status = 400
    return render(
        request, "web/members/email.html", {"cluster": cluster, "member": member, "form": form}, status=status
    )


def _state_change(request: HttpRequest, cluster: Cluster, action: Callable[[], str]) -> HttpResponse:
    """Run a member service; its refusal re-renders the page with the message (409)."""
    try:
        done = action()
    except MemberError as exc:
        messages.error(request, str(exc))
        return _page(request, cluster, status=409)
    messages.success(request, done)
    return redirect("web:members", cluster.code)


@login_required
@require_POST
def leave(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    cluster, member = member_for(request.user, code, member_id)
    return _state_change(
        request,
        cluster,
        lambda: (
            f"{member_services.mark_left(member, by=request.user).name} er meldt ud og inviteres ikke til nye runder."
        ),
    )


@login_required
@require_POST
def rejoin(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    cluster, member = member_for(request.user, code, member_id)
    return _state_change(
        request,
        cluster,
        lambda: f"{member_services.mark_returned(member, by=request.user).name} er genindmeldt.",
    )


@login_required
@require_POST
def invite(request: HttpRequest, code: str, round_id: int) -> HttpResponse:
    cluster = cluster_for(request.user, code, manage=True)
    round_ = Round.objects.filter(pk=round_id, order__cluster=cluster).first()
    if round_ is None:
        raise Http404("Runden findes ikke.")

    def run() -> str:
        count = survey_services.invite_late(round_, by=request.user)
        return "Ét medlem er inviteret." if count == 1 else f"{count} medlemmer er inviteret."

    return _state_change(request, cluster, run)


@login_required
@require_POST
def undo(request: HttpRequest, code: str, change_id: int) -> HttpResponse:
    cluster = cluster_for(request.user, code, manage=True)
    if not can_undo_member_changes(request.user):
        raise PermissionDenied("Kun operatørens konsulenter kan fortryde en ændring.")
    change = MemberChange.objects.filter(pk=change_id, member__practice__cluster=cluster).first()
    if change is None:
        raise Http404("Ændringen findes ikke.")
    return _state_change(
        request,
        cluster,
        lambda: f"Ændringen af {member_services.undo_change(change, by=request.user).member.name} er fortrudt.",
    )
