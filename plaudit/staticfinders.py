"""Static files: of the nhsuk-frontend package, only what our pages load.

The package's dist folder holds about 2,900 files (Sass, Nunjucks templates, each component's
source and types). Collected, every one was hashed and compressed, and whitenoise indexed them
all when each web process started (1.6 s of CPU per gunicorn worker, again at every
--max-requests restart). Pages load the bundled script (imported by js/plaudit.js), its source
map (which the hashed storage follows) and the images the stylesheet and header use.
"""

from django.contrib.staticfiles.finders import FileSystemFinder

NHSUK_PREFIX = "nhsuk/"
NHSUK_LOADED = ("nhsuk/assets/", "nhsuk/nhsuk-frontend.min.js")


def is_served(path: str) -> bool:
    """Whether a static path is one we serve: everything of ours, and the loaded nhsuk-frontend files."""
    path = path.replace("\\", "/")
    return not path.startswith(NHSUK_PREFIX) or path.startswith(NHSUK_LOADED)


class ServedFilesFinder(FileSystemFinder):
    """Django's finder over STATICFILES_DIRS, leaving out the nhsuk-frontend files no page loads."""

    def find(self, path, find_all=False, **kwargs):
        if not is_served(path):
            return []
        return super().find(path, find_all=find_all, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            prefix = getattr(storage, "prefix", "")
            if is_served(f"{prefix}/{path}" if prefix else path):
                yield path, storage
