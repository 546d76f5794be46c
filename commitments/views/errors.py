from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def bad_request(request, exception):
    """400, saying plainly when the cause is a form or upload over the size limit."""
    message = _("Check the address or the form you sent, and try again.")
    if isinstance(exception, RequestDataTooBig):
        message = _("What you sent is too large: the limit is %(limit)s. Shorten the text or split the file.") % {
            "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
    return render(request, "400.html", {"message": message}, status=400)
