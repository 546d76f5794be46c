"""The drafting desk: from a new statement to reviewed draft commitments, without typing a quote."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import desk, services
from ..forms import DraftForm, NewSourceForm, SourceTextForm
from ..models import Pillar, SourceDocument
from .access import permission_required

DESK_PERMISSION = "commitments.add_commitment"


@permission_required(DESK_PERMISSION)
def desk_home(request):
    """Start a new source (pasted, or from a file); the sources drafted here so far."""
    form = NewSourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = SourceDocument(
            title=data["title"],
            slug=unique_source_slug(data["title"], data["date"]),
            date=data["date"],
            speaker=data["speaker"],
            kind=data["kind"],
            url=data["url"],
            language=data["language"],
            text=data["text"],
            draft=True,
        )
        try:
            services.save_shared(source, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Source created as a draft: check its text, then confirm it."))
            return redirect("commitments:desk_source", slug=source.slug)
    drafts = SourceDocument.objects.filter(draft=True).order_by("-date")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/desk.html", {"form": form, "drafts": drafts}, status=status)


@permission_required(DESK_PERMISSION)
def desk_source(request, slug):
    """A draft source's text to correct and confirm; once confirmed, its sentences with the suggestions."""
    source = get_object_or_404(SourceDocument, slug=slug)
    if source.draft:
        form = SourceTextForm(request.POST or None, initial={"text": source.text})
        if request.method == "POST" and form.is_valid():
            source.text, source.draft = form.cleaned_data["text"], False
            try:
                services.save_shared(source, user=request.user)
            except ValidationError as error:
                form.add_error("text", error.messages)
            else:
                messages.success(request, _("Text confirmed: now take the commitments from it."))
                return redirect("commitments:desk_source", slug=slug)
        return render(request, "staff/desk_text.html", {"source": source, "form": form})
    context = {
        "source": source,
        "candidates": desk.proposals(source),
        "pillars": Pillar.objects.all(),
        "drafted": source.statements.select_related("commitment").order_by("quote_start"),
    }
    return render(request, "staff/desk_source.html", context)


@permission_required(DESK_PERMISSION)
def desk_draft(request, slug):
    """One draft: the span of text it quotes, and its fields prefilled from the sentence."""
    source = get_object_or_404(SourceDocument, slug=slug, draft=False)
    if request.method == "POST":
        form = DraftForm(request.POST)
    else:
        try:
            initial = desk.initial_values(source, int(request.GET.get("start", "")), int(request.GET.get("end", "")))
            if request.GET.get("restates", "").isdigit():
                initial["restates"] = int(request.GET["restates"])
        except (ValueError, ValidationError):
            messages.error(request, _("Choose a sentence, or select words in the text, to draft from."))
            return redirect("commitments:desk_source", slug=slug)
        form = DraftForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = desk.draft(source, data["start"], data["end"], data, request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Drafted “%(title)s”, unpublished.") % {"title": commitment.title})
            return redirect("commitments:desk_source", slug=slug)
    quote = quote_of(source, form)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/desk_draft.html", {"source": source, "form": form, "quote": quote}, status=status)


@require_POST
@permission_required(DESK_PERMISSION)
def desk_draft_checked(request, slug):
    """The checked sentences, each drafted with what it gives (the desk without JavaScript)."""
    source = get_object_or_404(SourceDocument, slug=slug, draft=False)
    spans = [span.split(":") for span in request.POST.getlist("sentence")]
    pillar = Pillar.objects.filter(pk=request.POST.get("pillar") or None).first()
    if not spans or pillar is None:
        messages.error(request, _("Check at least one sentence and choose the pillar for the drafts."))
        return redirect("commitments:desk_source", slug=slug)
    try:
        drafted = desk.draft_many(source, [(int(start), int(end)) for start, end in spans], pillar, request.user)
    except (ValueError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("%(count)d drafts made, unpublished.") % {"count": len(drafted)})
    return redirect("commitments:desk_source", slug=slug)


@permission_required(DESK_PERMISSION)
def desk_catalogue(request, slug):
    """The source and its drafts as a catalogue file, for `import_catalogue` on another server."""
    source = get_object_or_404(SourceDocument, slug=slug)
    response = HttpResponse(desk.catalogue_of(source), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{source.slug}.yaml"'
    return response


def quote_of(source, form):
    try:
        start, end = int(form["start"].value()), int(form["end"].value())
        return desk.span_of(source, start, end)[1]
    except (TypeError, ValueError, ValidationError):
        return ""


def unique_source_slug(title, date):
    base = f"{date:%Y-%m-%d}-{slugify(title)}"[:90].strip("-")
    slug, number = base, 2
    while SourceDocument.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
