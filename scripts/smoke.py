"""Submit a demo nomination over HTTP against a running deployment, then wait for the worker's receipt.

Usage: smoke.py BASE_URL MAIL_DIR [TOKENS_FILE] (MAIL_DIR: the file-based email backend's directory;
with TOKENS_FILE, the emailed secret links are then opened and their tokens written there).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from awards.models import Award  # noqa: E402
from nominations.models import Nomination  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.nominating import nominate  # noqa: E402

SLUG = "excellence-in-patient-experience"


def main(base: str, mail_dir: str) -> None:
    award = Award.objects.get(slug=SLUG)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        nominate(page, f"{base}/programmes/{award.programme.slug}/{SLUG}/", award, "smoke@example.org")
        browser.close()
    nomination = Nomination.objects.get(nominator_email="smoke@example.org")
    assert nomination.status == "submitted", nomination.status
    print(f"Submitted {nomination.reference} over HTTP.")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for path in Path(mail_dir).glob("*.log") if Path(mail_dir).exists() else []:
            text = path.read_text(errors="replace")
            if f"Nomination received: {nomination.reference}" in text:
                print(f"The worker sent the receipt ({path.name}).")
                return
        time.sleep(0.5)
    raise SystemExit("No receipt within 60 seconds: the task worker did not run the queued email.")


def open_secret_links(base: str, mail_dir: str, tokens_file: str) -> None:
    """Open the nominator's emailed link, and a made-up one, as a person would; write their tokens
    to a file, so that smoke.sh can check that no log holds them."""
    import re
    import urllib.error
    import urllib.request

    text = "".join(path.read_text(errors="replace") for path in Path(mail_dir).glob("*.log"))
    tokens = re.findall(r"/n/([A-Za-z0-9_-]{20,})/", text)
    assert tokens, "no nominator's link in the emails"
    tokens.append("made-up-Token-that-is-not-a-link-1234567890")
    # As typed or mangled on the way: another case, doubled slashes, an encoded parameter name.
    spellings = ["{base}/n/{token}/", "{base}//N//{token}/", "{base}/sign-in/link/?next=/&%73esame={token}"]
    for token in tokens:
        for spelling in spellings:
            try:
                urllib.request.urlopen(spelling.format(base=base, token=token), timeout=10)
            except urllib.error.HTTPError as error:
                assert error.code < 500, error.code
    Path(tokens_file).write_text("\n".join(tokens) + "\n")
    print(f"Opened {len(tokens)} secret links.")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:
        open_secret_links(sys.argv[1], sys.argv[2], sys.argv[3])
