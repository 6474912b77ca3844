"""Results as CSV and XLSX: the ranking, and every submitted score. Text cells are neutralised
against formula injection; figures carry at least two decimals.

The rows come from results.ranking, so an export holds exactly the entries its reader may see,
and a blind export names entries by reference only.
"""

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from django.conf import settings

from judging import scoring
from judging.models import Scorecard
from judging.scorecards import counted
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
# The scores export's first columns; a value and a comment column per criterion follow.
SCORE_COLUMNS = ["stage", "reference", "judge", "judge_group", "group_share"]


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


# Rows fetched from the database at a time by the scores export.
READ_CHUNK = 5000


def scores_table(results: StageResults, *, as_text: bool = True) -> tuple[list[str], Iterator[list]]:
    """One row per counted scorecard, entry by entry and judge by judge: the entry, the judge
    and their group, then for each criterion its value ("N/A" where the judge marked it not
    applicable, empty where there is none) and the comment.

    A row per scorecard rather than per score: a spreadsheet holds about a million rows, which
    20,000 entries with five judges on eight criteria nearly fill a row per score; and a
    spreadsheet writer's cost is in its cells, eight times fewer this way.

    The rows are yielded as read, from one query (the stage's counted scorecards joined to their
    scores, as plain values, through a server-side cursor on PostgreSQL): the queries stay the
    same however many scorecards there are. Scorecards of entries these results do not hold (a
    chair's conflicts) are left out."""
    criteria = results.criteria
    header = list(SCORE_COLUMNS)
    for criterion in criteria:
        header += [neutralise(_criterion_heading(criterion)), neutralise(f"{criterion.title}: comment")]
    return header, _score_rows(results, as_text)


def _criterion_heading(criterion) -> str:
    return f"{criterion.title} (weight {float(criterion.weight):g}, {criterion.scale_min} to {criterion.scale_max})"


def _score_rows(results: StageResults, as_text: bool) -> Iterator[list]:
    references = {row.entry.pk: neutralise(row.entry.reference) for row in results.rows}
    position = {criterion.pk: index for index, criterion in enumerate(results.criteria)}
    stage_name = neutralise(results.stage.name)
    judges: dict = {}  # judge id -> the row's judge columns, worked out once per judge
    scores = (
        counted(Scorecard.objects.filter(entry__stage=results.stage), stage=results.stage)
        .order_by("entry_id", "judge_id", "pk")
        .values_list(
            "pk",
            "entry_id",
            "judge_id",
            "scores__criterion_id",
            "scores__value",
            "scores__not_applicable",
            "scores__comment",
        )
    )
    for (_card, entry_id, judge_id), lines in groupby(scores.iterator(chunk_size=READ_CHUNK), key=itemgetter(0, 1, 2)):
        if entry_id not in references:
            continue
        if judge_id not in judges:
            name, group = results.judge(judge_id)
            judges[judge_id] = [
                neutralise(name),
                neutralise(group),
                _figure(scoring.group_share(group, results.shares), as_text),
            ]
        cells = [""] * (2 * len(position))
        for *_ids, criterion_id, value, not_applicable, comment in lines:
            at = position.get(criterion_id)
            if at is None:  # no scores, or a score of a criterion removed since
                continue
            cells[2 * at] = "N/A" if not_applicable else ("" if value is None else value)
            cells[2 * at + 1] = neutralise(comment)
        yield [stage_name, references[entry_id], *judges[judge_id], *cells]


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
# (XlsxWriter writes about 100,000 cells a second here: the scores of 20,000 entries are two million).
INLINE_CELLS = getattr(settings, "PLAUDIT_EXPORT_INLINE_CELLS", 200_000)


def cells(results: StageResults, what: str) -> int:
    """About how many cells the export holds, from the results, without building it."""
    if what == "scores":
        # The scorecards the ranking counted, which the export holds: known already, no query.
        cards = sum(row.result.n for row in results.rows)
        return cards * (len(SCORE_COLUMNS) + 2 * len(results.criteria))
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
