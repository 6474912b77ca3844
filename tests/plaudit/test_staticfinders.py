"""Of nhsuk-frontend only what pages load is collected; everything pages name is still found."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)


def named_by_pages() -> set[str]:
    """Every static path a template, the stylesheet or our script names."""
    names = set()
    for template in (ROOT / "templates").rglob("*.html"):
        names.update(re.findall(r"{% static '([^']+)' %}", template.read_text()))
    css = (ROOT / "static" / "build" / "plaudit.css").read_text()
    names.update(re.findall(r'url\("/static/([^"]+)"\)', css))
    script = (ROOT / "static" / "js" / "plaudit.js").read_text()
    names.update("nhsuk/" + name for name in re.findall(r'from "\.\./nhsuk/([^"]+)"', script))
    return names


def test_every_file_pages_name_is_found():
    names = named_by_pages()
    assert "nhsuk/nhsuk-frontend.min.js" in names and "nhsuk/assets/images/favicon.svg" in names
    missing = [name for name in sorted(names) if finders.find(name) is None]
    assert missing == []


def test_the_favicon_redirect_and_source_map_are_found():
    assert finders.find("nhsuk/assets/images/favicon.ico")
    assert finders.find("nhsuk/nhsuk-frontend.min.js.map")


def test_the_package_sources_are_left_out():
    for name in ("nhsuk/index.scss", "nhsuk/components/radios/radios.mjs", "nhsuk/nhsuk-frontend.js"):
        assert (ROOT / "node_modules" / "nhsuk-frontend" / "dist" / name).exists(), name
        assert finders.find(name) is None, name
    listed = [
        f"{storage.prefix}/{path}" if getattr(storage, "prefix", "") else path
        for finder in finders.get_finders()
        for path, storage in finder.list([])
    ]
    nhsuk = [path for path in listed if path.startswith("nhsuk/")]
    assert nhsuk and all(path.startswith(("nhsuk/assets/", "nhsuk/nhsuk-frontend.min.js")) for path in nhsuk)
