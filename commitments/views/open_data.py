"""Open-data files: IATI activity XML and an AidData-style CSV. Building them lives in iati.py and aiddata.py."""

from csp.decorators import csp_exempt
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from drf_spectacular.generators import SchemaGenerator

from .. import aiddata, iati

XML_TYPE = "application/xml; charset=utf-8"


# A browser shows XML with its own viewer, whose styling a Content-Security-Policy blocks; XML runs no script.
@csp_exempt()
def iati_activities(request):
    """Every published commitment as an IATI 2.03 activity."""
    return HttpResponse(iati.activities_document(iati.activities(), request), content_type=XML_TYPE)


@csp_exempt()
def iati_activity(request, slug):
    """One published commitment as an IATI 2.03 activity file; 404 for drafts and unknown slugs."""
    commitment = get_object_or_404(iati.activities(), slug=slug)
    return HttpResponse(iati.activities_document([commitment], request), content_type=XML_TYPE)


def aiddata_csv(request):
    """One row per published commitment, in AidData's column style."""
    response = HttpResponse(aiddata.csv_text(request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="aiddata.csv"'
    return response


def open_data(request):
    """What the open-data files are, in words, with links to each."""
    return render(request, "commitments/open_data.html")


def api_docs(request):
    """The OpenAPI description of the JSON API, readable in the browser: every path, its parameters with their
    allowed values, and its answers, rendered on the server (no script, under the Content-Security-Policy)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        {"path": path, "method": method.upper(), **operation}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "commitments/api_docs.html", {"schema": schema, "operations": operations})
