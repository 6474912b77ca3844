"""Checks on uploaded files: the type by content (not just the name), the size, and a scanning hook.

Set PLAUDIT_UPLOAD_SCANNER to the dotted path of a callable taking the uploaded
file; it returns None when the file is clean or a message for the nominator when
it is not (for example a wrapper around ClamAV's clamd). It runs on every upload
before anything is stored.
"""

import puremagic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string

from plaudit.uploads import ceiling

# Text formats have no signature; they must decode as text.
TEXT_TYPES = {"txt", "csv"}
# What each accepted extension may look like inside.
CONTENT_ALIASES = {
    "jpg": {"jpg", "jpeg", "jfif", "jpe"},
    "jpeg": {"jpg", "jpeg", "jfif", "jpe"},
    "doc": {"doc", "xls", "ppt", "msg", "ole", "dot", "xlt", "pps"},
    "xls": {"doc", "xls", "ppt", "msg", "ole", "dot", "xlt", "pps"},
    "ppt": {"doc", "xls", "ppt", "msg", "ole", "dot", "xlt", "pps"},
}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if extension in TEXT_TYPES:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in head
    try:
        found = {match.extension.lower().lstrip(".") for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        return False
    return bool(found & CONTENT_ALIASES.get(extension, {extension}))


def check_upload(upload, question) -> str | None:
    """A message saying why the upload is refused, or None if it may be stored."""
    extension = _extension(upload.name)
    allowed = [t.lower() for t in question.file_types]
    if allowed and extension not in allowed:
        return f"The selected file must be a {', '.join(t.upper() for t in allowed)}"
    limit = min(int(question.max_size_mb * 1024 * 1024), ceiling()) if question.max_size_mb else ceiling()
    if getattr(upload, "too_large", False) or upload.size > limit:
        return f"The selected file must be smaller than {filesizeformat(limit)}"
    if upload.size == 0:
        return "The selected file is empty"
    if not _looks_like(upload, extension):
        return f"The selected file is not a real {extension.upper() or 'file of an accepted type'} file"
    scanner_path = getattr(settings, "PLAUDIT_UPLOAD_SCANNER", "")
    if scanner_path:
        message = import_string(scanner_path)(upload)
        upload.seek(0)
        if message:
            return message
    return None
