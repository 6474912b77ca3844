"""Where private files live: nominators' uploads, referees' letters and shortlist packs.

Through Django's storage API (`STORAGES["private"]`), so that one setting moves them from this
host's disk (the default: MEDIA_ROOT, outside the web root) to an S3-compatible bucket that
every web host and worker shares (config/settings.py, docs/deploy.md). Either way no file has
a public address: views that check access first stream them to the
browser (FileResponse over the storage's file).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


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
