"""One measurement in a fresh process (so peak memory is this measurement's alone).

python -m bench.probe ranking raw|normalised
python -m bench.probe pdf ours|bare shortlist|big-pack
Prints one JSON line: seconds, and for PDFs pages and peak memory (MB).
"""

import io
import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from judging.models import Stage  # noqa: E402
from results import ranking as results  # noqa: E402
from results import shortlist  # noqa: E402


def office():
    return get_user_model()(is_superuser=True, is_active=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ranking(order):
    stage = Stage.objects.get(award__programme__slug="bench", award__slug="ranking")
    best = None
    for _ in range(3):
        started = time.perf_counter()
        computed = results.stage_results(stage, office(), order_by=order, cached=False)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"seconds": best, "entries": len(computed.rows), "alpha": computed.alpha, "peak_mb": peak_mb()}


def pdf(mode, slug):
    from pypdf import PdfReader

    stage = Stage.objects.get(award__programme__slug="bench", award__slug=slug)
    stage_results = results.stage_results(stage, office())
    if mode in ("bare", "bare-untagged"):
        # The same HTML, rendered by WeasyPrint alone: no database, no HTML to build, no URL
        # fetcher. "bare" asks for the same tagged PDF (PDF/UA-1) Plaudit makes; "bare-untagged"
        # shows what the tagging itself costs.
        from weasyprint import HTML

        html = shortlist.shortlist_html(stage_results)
        base = peak_mb()
        started = time.perf_counter()
        options = {"pdf_variant": "pdf/ua-1"} if mode == "bare" else {}
        content = HTML(string=html).write_pdf(**options)
    else:
        base = peak_mb()
        started = time.perf_counter()
        content = shortlist.shortlist_pdf(results.stage_results(stage, office()))
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(content)).pages)
    return {"seconds": seconds, "pages": pages, "peak_mb": peak_mb(), "before_mb": base}


if __name__ == "__main__":
    kind = sys.argv[1]
    out = ranking(sys.argv[2]) if kind == "ranking" else pdf(sys.argv[2], sys.argv[3])
    print(json.dumps(out))
