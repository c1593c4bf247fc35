"""The registry CSV import on the web, for the operator's staff: upload, preview, apply.

Rules in registry.uploads (and registry.services.import_registry, the command's service);
who may do it in registry.access. A bad file is answered 400 with every error by line
and column, as the command prints them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from klyngepakke.registry import uploads
from klyngepakke.registry.access import can_import_registry
from klyngepakke.registry.csv_format import error_line
from klyngepakke.registry.models import RegistryUpload
from klyngepakke.registry.services import RegistryImportInvalid

SHOWN_PER_LIST = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Registerfil (CSV)",
        error_messages={
            "required": "Vælg registerfilen.",
            "empty": "Filen er tom.",
            "invalid": "Det sendte er ikke en fil.",
            "missing": "Det sendte er ikke en fil.",
        },
        help_text=f"CSV UTF-8 med ; eller , som skilletegn, højst {uploads.MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.",
    )


def _staff(request: HttpRequest) -> None:
    if not can_import_registry(request.user):
        raise PermissionDenied("Kun operatørens konsulenter kan indlæse registret.")


def _upload_page(request: HttpRequest, form: UploadForm, status: int = 200, **extra: object) -> HttpResponse:
    recent = RegistryUpload.objects.filter(applied_at__isnull=False).select_related("applied_by")[:10]
    context = {"form": form, "recent": recent, **extra}
    return render(request, "web/registry/upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _staff(request)
    if request.method == "GET":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    file = form.cleaned_data["file"]
    name = (file.name or "registerfil.csv").rsplit("/", 1)[-1]
    if file.size > uploads.MAX_UPLOAD_BYTES:
        form.add_error("file", f"Filen er for stor: højst {uploads.MAX_UPLOAD_BYTES // (1024 * 1024)} MiB.")
        return _upload_page(request, form, status=400)
    data = file.read(uploads.MAX_UPLOAD_BYTES + 1)
    try:
        stored = uploads.store_upload(data, name, request.user)
    except uploads.UploadRefused as exc:
        form.add_error("file", str(exc))
        return _upload_page(request, form, status=400)
    except RegistryImportInvalid as exc:
        lines = [error_line(name, error) for error in exc.errors]
        return _upload_page(request, form, status=400, errors=exc.errors, error_lines=lines, filename=name)
    return redirect("web:registry_preview", stored.pk)


def _upload_for(request: HttpRequest, upload_id: int) -> RegistryUpload:
    _staff(request)
    found = RegistryUpload.objects.select_related("uploaded_by", "applied_by").filter(pk=upload_id).first()
    if found is None:
        raise Http404("Uploaden findes ikke.")
    return found


@login_required
@require_http_methods(["GET"])
def preview(request: HttpRequest, upload_id: int) -> HttpResponse:
    stored = _upload_for(request, upload_id)
    return _preview_page(request, stored)


def _preview_page(request: HttpRequest, stored: RegistryUpload, status: int = 200) -> HttpResponse:
    plan = None
    errors: list[str] = []
    if stored.applied_at is None and stored.data:
        try:
            plan = uploads.preview(stored)
        except RegistryImportInvalid as exc:  # the regions changed since the upload
            errors = [error_line(stored.filename, error) for error in exc.errors]
    context = {"upload": stored, "plan": plan, "error_lines": errors, "shown": SHOWN_PER_LIST}
    return render(request, "web/registry/preview.html", context, status=status)


@login_required
@require_POST
def apply(request: HttpRequest, upload_id: int) -> HttpResponse:
    stored = _upload_for(request, upload_id)
    try:
        report = uploads.apply_upload(
            stored, sha=request.POST.get("sha256", ""), digest=request.POST.get("plan", ""), by=request.user
        )
    except uploads.UploadRefused as exc:
        messages.error(request, str(exc))
        stored.refresh_from_db()
        return _preview_page(request, stored, status=409)
    except RegistryImportInvalid as exc:
        messages.error(request, f"{len(exc.errors)} fejl i {stored.filename}; intet er ændret.")
        return _preview_page(request, stored, status=400)
    counts = report.members
    overwritten = len(report.plan.overwrites) if report.plan else 0
    note = f", {overwritten} lokale ændringer overskrevet" if overwritten else ""
    messages.success(
        request,
        f"{stored.filename} er indlæst: {counts.created} nye og {counts.updated} ændrede medlemmer{note}.",
    )
    return redirect("web:registry_preview", stored.pk)
