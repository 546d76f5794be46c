"""Open-data files: IATI activity XML and an AidData-style CSV. Building them lives in iati.py and aiddata.py."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .. import aiddata, iati

XML_TYPE = "application/xml; charset=utf-8"


def iati_activities(request):
    """Every published commitment as an IATI 2.03 activity."""
    return HttpResponse(iati.activities_document(iati.activities(), request), content_type=XML_TYPE)


def iati_activity(request, slug):
    """One published commitment as an IATI 2.03 activity file; 404 for drafts and unknown slugs."""
    commitment = get_object_or_404(iati.activities(), slug=slug)
    return HttpResponse(iati.activities_document([commitment], request), content_type=XML_TYPE)


def aiddata_csv(request):
    """One row per published commitment, in AidData's column style."""
    response = HttpResponse(aiddata.csv_text(request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="aiddata.csv"'
    return response
