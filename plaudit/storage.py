"""Where private files live: nominators' uploads, referees' letters and shortlist packs.

Through Django's storage API (`STORAGES["private"]`), so that one setting moves them from this
host's disk (the default: MEDIA_ROOT, outside the web root) to an S3-compatible bucket that
every web host and worker shares (config/settings.py, docs/deploy.md). Either way no file has
a public address: views that check access first stream them to the
browser (FileResponse over the storage's file).
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.utils.functional import LazyObject, empty

logger = logging.getLogger(__name__)


class _PrivateFiles(LazyObject):
    # Lazy, and reset when the settings change, so that a test (or a management command run
    # with other settings) reaches the storage configured now, not the one at import.
    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateFiles()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_ROOT"):
        private_files._wrapped = empty


def private_storage() -> Storage:
    """The storage of every private FileField (a callable, so migrations name it, not a backend)."""
    return private_files


def save_private(name: str, content: bytes) -> str:
    """Store `content` under a new name like `name` (never overwriting another file); the name it got."""
    return private_files.save(name, ContentFile(content))


def private_download(stored: FieldFile, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored private file as a download, for a view that has checked who is asking.

    A file the database names but the storage has lost (a host's disk where the site runs on
    several, a bucket emptied by hand) is a page that says it is not available (404), logged as
    an error for the operators; never a server error.
    """
    if not stored:
        raise Http404("No file.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        logger.error("A private file is missing from the storage: %s", stored.name)
        raise Http404("This file is not available.") from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    # Served as a download whatever its bytes look like: the browser must not sniff it into a page.
    response["X-Content-Type-Options"] = "nosniff"
    return response
