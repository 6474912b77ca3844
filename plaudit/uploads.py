"""A ceiling on uploaded files, enforced while the request streams in.

Django reads an upload whole (into memory, then a temporary file) before any form checks its
size, so a 30 MB file was received and stored before being refused. This handler comes first:
it counts each file's bytes as they arrive, and once a file passes PLAUDIT_UPLOAD_MAX_MB it
passes nothing more on (the rest of the request is read and dropped, never stored), and hands
the form a `TooLargeUpload` instead of the file, so the field says the file is too large.
The proxy in front caps whole requests (docs/deploy.md).
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


def ceiling() -> int:
    """The largest file, in bytes, that any upload may be."""
    return int(float(getattr(settings, "PLAUDIT_UPLOAD_MAX_MB", 20)) * 1024 * 1024)


class TooLargeUpload(UploadedFile):
    """What the form gets for a file that passed the ceiling: its name and how much arrived before
    it was cut off (more than the ceiling), and no content."""

    too_large = True

    def __init__(self, name: str, size: int, content_type: str = "application/octet-stream"):
        super().__init__(file=io.BytesIO(b""), name=name, content_type=content_type, size=size)


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > ceiling():
            self.over = True
        # None stops the chunk here: the handlers after this one (memory, temporary file) store nothing more.
        return None if self.over else raw_data

    def file_complete(self, file_size):
        if self.over:
            return TooLargeUpload(self.file_name, self.received, self.content_type)
        return None  # the next handler's file
