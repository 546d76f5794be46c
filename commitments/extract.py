"""The text of a statement as an editor brings it to the drafting desk: pasted, or a plain-text file, a web page
saved from a browser (HTML), or a PDF with a text layer. The text is kept exactly as extracted; the editor
corrects it before any quote is taken from it."""

import io
import re

import lxml.html
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
# Block elements whose ends are line breaks in the extracted text.
BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article")


def one_kind_of_newline(text):
    """Browsers send a textarea's line breaks as CR LF, and files come with either: the desk keeps LF, as the
    page shows the text, so that a position counted in the page is the same position in the stored text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_of(upload):
    """The text of an uploaded file; ValidationError with a clear message for anything else."""
    limit = settings.DESK_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a file the desk reads: give a plain-text file (.txt), a web page (.html) or a PDF.")
            % {"name": upload.name}
        )
    content = upload.read()
    if kind == "pdf":
        return text_of_pdf(content)
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not UTF-8 text; save it as UTF-8 and try again.")) from error
    return text_of_html(decoded) if kind == "html" else one_kind_of_newline(decoded)


def text_of_html(html):
    """The readable text of a saved web page: its body, without scripts, styles or navigation, a line per block."""
    try:
        document = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError) as error:
        raise ValidationError(_("The web page could not be read.")) from error
    for element in document.xpath("//script|//style|//noscript|//nav|//header|//footer|//template"):
        element.drop_tree()
    for element in document.iter(*BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in document.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)


def text_of_pdf(content):
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise ValidationError(_("The PDF could not be read: %(problem)s") % {"problem": error}) from error
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise ValidationError(
            _("The PDF has no text layer (a scanned document?): paste its text, or upload a PDF with text.")
        )
    return text
