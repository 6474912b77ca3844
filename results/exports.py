"""Results as CSV and XLSX: the ranking, and every submitted score. Text cells are neutralised
against formula injection; figures carry at least two decimals.

The rows come from results.ranking, so an export holds exactly the entries its reader may see,
and a blind export names entries by reference only.
"""

from collections.abc import Iterator

from django.conf import settings

from judging import scoring
from judging.models import Scorecard
from judging.scorecards import counted, lines
from plaudit.spreadsheets import neutralise, to_csv, to_xlsx

from .ranking import StageResults, spread

RANKING_COLUMNS = [
    "rank",
    "reference",
    "nominee",
    "score",
    "median",
    "sd",
    "min",
    "max",
    "scorecards",
    "scorecards_expected",
    "complete",
    "normalised_score",
    "normalised_rank",
    "flags",
    "decision",
]
SPREAD_COLUMNS = ["question", "answer", "selected", "all_entries", "selected_total", "entries_total"]
SCORE_COLUMNS = [
    "stage",
    "reference",
    "judge",
    "judge_group",
    "group_share",
    "criterion",
    "weight",
    "scale_min",
    "scale_max",
    "value",
    "comment",
]


def _figure(value, as_text: bool):
    if value is None:
        return ""
    return f"{value:.2f}" if as_text else round(float(value), 6)


def ranking_table(results: StageResults, *, as_text: bool = True) -> tuple[list[str], list[list]]:
    """One row per entry in rank order (by the score that ordered the results)."""
    rows = []
    for row in results.rows:
        r = row.result
        rank = r.normalised_rank if results.order_by == "normalised" else r.rank
        decision = ""
        if row.decision:
            decision = row.decision.get_outcome_display() + (" (pending)" if row.decision.status == "pending" else "")
        rows.append(
            [
                "" if rank is None else rank,
                neutralise(row.entry.reference),
                neutralise(row.nominee),
                _figure(r.score, as_text),
                _figure(r.median, as_text),
                _figure(r.sd, as_text),
                _figure(r.low, as_text),
                _figure(r.high, as_text),
                r.n,
                "" if r.expected is None else r.expected,
                "yes" if r.complete else "no",
                _figure(r.normalised_score, as_text),
                "" if r.normalised_rank is None else r.normalised_rank,
                neutralise("; ".join(r.flags)),
                neutralise(decision),
            ]
        )
    return list(RANKING_COLUMNS), rows


def scores_table(results: StageResults, *, as_text: bool = True) -> tuple[list[str], Iterator[list]]:
    """One row per submitted scorecard and criterion (value empty for N/A), yielded as read: the
    scorecards of the stage by join (not a list of every entry's id), 2,000 at a time, those of
    entries these results do not hold (a chair's conflicts) left out."""
    return list(SCORE_COLUMNS), _score_rows(results, as_text)


def _score_rows(results: StageResults, as_text: bool) -> Iterator[list]:
    entries = {row.entry.pk: row.entry for row in results.rows}
    criteria = results.criteria
    shares = results.shares
    cards = (
        counted(Scorecard.objects.filter(entry__stage=results.stage), stage=results.stage)
        .prefetch_related("scores")
        .order_by("entry_id", "judge_id")
    )
    for card in cards.iterator(chunk_size=2000):
        if card.entry_id not in entries:
            continue
        name, group = results.judge(card.judge_id)
        share = scoring.group_share(group, shares)
        for line in lines(card, criteria):
            criterion, value = line.criterion, line.value
            yield (
                [
                    neutralise(results.stage.name),
                    neutralise(entries[card.entry_id].reference),
                    neutralise(name),
                    neutralise(group),
                    _figure(share, as_text),
                    neutralise(criterion.title),
                    _figure(float(criterion.weight), as_text),
                    criterion.scale_min,
                    criterion.scale_max,
                    "" if value is None else value,
                    neutralise(line.comment),
                ]
            )


def spread_table(results: StageResults, *, as_text: bool = True) -> tuple[list[str], list[list]]:
    """The spread of the selection: one row per reportable question and answer, with how many of
    the selected entries and of all entries gave it (the ranking page's tables, as one table)."""
    rows = []
    for item in spread(results):
        for value, chosen, everywhere in item.values:
            rows.append(
                [neutralise(item.question.prompt), neutralise(value), chosen, everywhere, item.selected, item.total]
            )
    return list(SPREAD_COLUMNS), rows


TABLES = {"ranking": ranking_table, "scores": scores_table, "spread": spread_table}

# Above this many cells an export is built by the task worker, not inside the web request
# (openpyxl writes about 60,000 cells a second: the scores of 20,000 entries are millions).
INLINE_CELLS = getattr(settings, "PLAUDIT_EXPORT_INLINE_CELLS", 200_000)


def cells(results: StageResults, what: str) -> int:
    """About how many cells the export holds, from the results, without building it."""
    if what == "scores":
        # The scorecards the ranking counted, which the export holds: known already, no query.
        cards = sum(row.result.n for row in results.rows)
        return cards * max(len(results.criteria), 1) * len(SCORE_COLUMNS)
    if what == "ranking":
        return len(results.rows) * len(RANKING_COLUMNS)
    return 0  # the spread: a row per question and answer, never large


def too_large_for_a_request(results: StageResults, what: str) -> bool:
    return cells(results, what) > INLINE_CELLS


def export_label(what: str, fmt: str) -> str:
    """How pages name an export: "all scores as XLSX"."""
    return {"ranking": "the ranking", "scores": "all scores", "spread": "the spread"}[what] + f" as {fmt.upper()}"


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export(results: StageResults, what: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file extension) for the ranking, the scores or the spread of the
    selection, as CSV or XLSX."""
    table = TABLES[what]
    if fmt == "xlsx":
        header, rows = table(results, as_text=False)
        return (
            to_xlsx(header, rows, title=what.title()),
            CONTENT_TYPES["xlsx"],
            "xlsx",
        )
    header, rows = table(results)
    return to_csv(header, rows), CONTENT_TYPES["csv"], "csv"
