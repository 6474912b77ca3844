"""Submit a demo nomination over HTTP against a running deployment, then wait for the worker's receipt.

Usage: smoke.py BASE_URL MAIL_DIR (the file-based email backend's directory).
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


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
