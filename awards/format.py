"""The award definition format (award-format.md), read and written in one place.

`parse` checks a document and turns it into typed values, naming every problem
by its path in the document. `import_definition` writes a parsed document to the
database (all or nothing), and `export_definition` writes a programme back out,
so that export then import gives back the same programme, field for field.
"""

import datetime as dt
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from django.db import transaction

from audit import log as audit

from . import rules
from .changes import criteria_batch
from .models import Award, Criterion, Programme, Question, Section

FORMAT_VERSION = 1
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

PROGRAMME_KEYS = ("slug", "name", "organiser", "contact_email", "timezone", "nominations_open", "nominations_close")
AWARD_KEYS = (
    "slug",
    "title",
    "summary",
    "description",
    "nominee",
    "self_nomination",
    "stepped",
    "nominations_open",
    "nominations_close",
    "sections",
    "criteria",
)
SECTION_KEYS = ("title", "intro", "questions")
QUESTION_KEYS = (
    "key",
    "prompt",
    "guidance",
    "type",
    "required",
    "identifying",
    "visible_to_judges",
    "show_if",
    *rules.TYPE_OPTIONS,
)
CRITERION_KEYS = ("key", "title", "description", "weight", "scale", "levels", "allow_na", "questions")


class AwardFormatError(Exception):
    """A definition that cannot be imported; `problems` names each by its path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, path: str, message: str):
        self.items.append(f"{path}: {message}")


# ---------------------------------------------------------------- reading


# A definition of a large programme (20 awards of 30 questions) is about 200 KB and 20,000 nodes.
MAX_BYTES = 1024 * 1024
MAX_NODES = 200_000


class DefinitionLoader(yaml.SafeLoader):
    """YAML read with the YAML 1.2 core schema's plain scalars: only true and false are booleans
    (`yes`, `no`, `on` and `off` stay words, so a level described as "yes" is imported as "yes",
    not "True"), and numbers have no sexagesimal or 0-prefixed octal forms (`1:30` is text)."""


DefinitionLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
DefinitionLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


def _construct_int(loader, node) -> int:
    # YAML 1.2: 010 is ten (YAML 1.1, and PyYAML, read it as octal eight); 0o and 0x say their base.
    value = loader.construct_scalar(node)
    sign, digits = (-1, value[1:]) if value.startswith("-") else (1, value.lstrip("+"))
    return sign * (int(digits, 0) if digits[:2] in ("0o", "0x") else int(digits))


DefinitionLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _expanded_size(node, sizes: dict, path: set) -> int:
    """How many nodes the document has once every alias is expanded (each node counted at every
    place it is used), without expanding anything: a few hundred bytes of nested aliases can
    stand for billions of nodes, and an alias inside its own anchor for an endless document."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in path:
        raise AwardFormatError(["document: an alias refers to the node that holds it (a loop)"])
    path.add(key)
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, path)
        if total > MAX_NODES:
            raise AwardFormatError(
                [f"document: too large once its aliases are expanded (over {MAX_NODES:,} values); write it out in full"]
            )
    path.discard(key)
    sizes[key] = total
    return total


def _yaml_document(text: str | bytes):
    """The document, read with DefinitionLoader after its size (and its size with aliases expanded)
    has been checked, so that no file can take the server's memory or time."""
    if len(text) > MAX_BYTES:
        raise AwardFormatError(
            [f"document: the file is larger than {MAX_BYTES // 1024:,} KB; an award definition is far smaller"]
        )
    loader = DefinitionLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load(text: str | bytes) -> dict:
    """Read YAML (or JSON, which YAML includes) into a document, or raise AwardFormatError."""
    try:
        doc = _yaml_document(text)
    except RecursionError as exc:
        raise AwardFormatError(["document: nested too deeply"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        reason = getattr(exc, "problem", None) or "not valid YAML"
        raise AwardFormatError([f"{where}: {reason}"]) from exc
    if not isinstance(doc, dict):
        raise AwardFormatError(["document: must be a mapping with format, programme and awards"])
    if where := _invalid_text(doc, "document"):
        # A "\ud800" escape decodes to half a character, which can be neither stored nor shown.
        raise AwardFormatError([f"{where}: must be valid Unicode text (no half characters, no NUL characters)"])
    return doc


def _invalid_text(value, path: str) -> str | None:
    """The path of the first string (or key) that is not valid Unicode, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        # A NUL character cannot be stored by PostgreSQL, and has no place in a definition.
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _invalid_text(key, path) or _invalid_text(item, f"{path}.{key}" if isinstance(key, str) else path)
            if found:
                return found.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _invalid_text(item, f"{path}[{index}]"):
                return found.encode("utf-8", "replace").decode("utf-8")
    return None


def _unknown_keys(data: dict, allowed, path: str, problems: Problems):
    for key in data:
        if key not in allowed:
            problems.add(f"{path}.{key}" if path else str(key), "is not a key of the award format")


def _text(data, key, path, problems, *, required=True, max_length=None, default=""):
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"{path}.{key}", "is required")
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.add(f"{path}.{key}", "must be text")
        return default
    value = str(value)
    if max_length and len(value) > max_length:
        problems.add(f"{path}.{key}", f"must be {max_length} characters or fewer")
    return value


def _bool(data, key, path, problems, default):
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.add(f"{path}.{key}", "must be true or false")
        return default
    return value


def _int(data, key, path, problems, *, minimum=0):
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(f"{path}.{key}", "must be a whole number")
        return None
    if value < minimum:
        problems.add(f"{path}.{key}", f"must be {minimum} or more")
        return None
    return value


def _decimal(value, path, problems):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.add(path, "must be a number")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.add(path, "must be a number")
        return None
    if not number.is_finite():
        problems.add(path, "must be a number")
        return None
    return number


def _datetime(value, zone, path, problems, *, required):
    """Local time in the programme's zone, written 2026-12-01T09:00."""
    if value is None:
        if required:
            problems.add(path, "is required")
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            problems.add(path, f"'{value}' is not a date and time like 2026-12-01T09:00")
            return None
    else:
        problems.add(path, "must be a date and time like 2026-12-01T09:00")
        return None
    if parsed.tzinfo is None and zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _list(data, key, path, problems):
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(f"{path}.{key}", "must be a list")
        return []
    return value


def _mapping(value, path, problems) -> dict | None:
    if not isinstance(value, dict):
        problems.add(path, "must be a mapping")
        return None
    return value


def parse(doc: dict) -> dict:
    """Check a document against the format; return it with typed values.

    Raises AwardFormatError listing every problem by its path.
    """
    problems = Problems()
    if doc.get("format") != FORMAT_VERSION:
        problems.add("format", f"must be {FORMAT_VERSION} (this is the only version Plaudit reads)")
    _unknown_keys(doc, ("format", "programme", "awards"), "", problems)

    programme = _parse_programme(doc.get("programme"), problems)
    zone = programme.get("zone")
    awards = []
    seen_slugs = set()
    raw_awards = doc.get("awards")
    if not isinstance(raw_awards, list):
        problems.add("awards", "must be a list of awards")
        raw_awards = []
    for index, raw in enumerate(raw_awards):
        path = f"awards[{index}]"
        data = _mapping(raw, path, problems)
        if data is None:
            continue
        award = _parse_award(data, path, zone, programme, problems)
        if award["slug"] in seen_slugs:
            problems.add(f"{path}.slug", f"'{award['slug']}' is used by an earlier award")
        seen_slugs.add(award["slug"])
        awards.append(award)

    if problems.items:
        raise AwardFormatError(problems.items)
    return {"programme": programme, "awards": awards}


def _parse_programme(raw, problems) -> dict:
    data = _mapping(raw, "programme", problems)
    if data is None:
        return {}
    _unknown_keys(data, PROGRAMME_KEYS, "programme", problems)
    result = {
        "slug": _text(data, "slug", "programme", problems, max_length=100),
        "name": _text(data, "name", "programme", problems, max_length=200),
        "organiser": _text(data, "organiser", "programme", problems, max_length=200),
        "contact_email": _text(data, "contact_email", "programme", problems, max_length=254),
        "timezone": _text(data, "timezone", "programme", problems, max_length=64),
    }
    if result["slug"] and (problem := rules.slug_problem(result["slug"])):
        problems.add("programme.slug", problem)
    if result["contact_email"] and "@" not in result["contact_email"]:
        problems.add("programme.contact_email", "must be an email address")
    zone = None
    if result["timezone"]:
        if problem := rules.timezone_problem(result["timezone"]):
            problems.add("programme.timezone", problem)
        else:
            zone = zoneinfo.ZoneInfo(result["timezone"])
    result["zone"] = zone
    result["nominations_open"] = _datetime(
        data.get("nominations_open"), zone, "programme.nominations_open", problems, required=True
    )
    result["nominations_close"] = _datetime(
        data.get("nominations_close"), zone, "programme.nominations_close", problems, required=True
    )
    if problem := rules.window_problem(result["nominations_open"], result["nominations_close"]):
        problems.add("programme.nominations_close", problem)
    return result


def _parse_award(data, path, zone, programme, problems) -> dict:
    _unknown_keys(data, AWARD_KEYS, path, problems)
    award = {
        "slug": _text(data, "slug", path, problems, max_length=100),
        "title": _text(data, "title", path, problems, max_length=200),
        "summary": _text(data, "summary", path, problems),
        "description": _text(data, "description", path, problems, required=False),
        "nominee": data.get("nominee", "individual_or_team"),
        "self_nomination": _bool(data, "self_nomination", path, problems, False),
        "stepped": _bool(data, "stepped", path, problems, False),
        "nominations_open": _datetime(
            data.get("nominations_open"), zone, f"{path}.nominations_open", problems, required=False
        ),
        "nominations_close": _datetime(
            data.get("nominations_close"), zone, f"{path}.nominations_close", problems, required=False
        ),
    }
    if award["slug"] and (problem := rules.slug_problem(award["slug"])):
        problems.add(f"{path}.slug", problem)
    if award["nominee"] not in rules.NOMINEE_KINDS:
        problems.add(f"{path}.nominee", f"must be one of {', '.join(rules.NOMINEE_KINDS)}")
    opens = award["nominations_open"] or programme.get("nominations_open")
    closes = award["nominations_close"] or programme.get("nominations_close")
    if problem := rules.window_problem(opens, closes):
        problems.add(f"{path}.nominations_close", problem)

    # Questions are numbered across sections: show_if may only look back.
    earlier: dict[str, tuple] = {}
    award["sections"] = []
    raw_sections = _list(data, "sections", path, problems)
    if not raw_sections and "sections" not in data:
        problems.add(f"{path}.sections", "is required: an award needs at least one section of questions")
    for s_index, raw_section in enumerate(raw_sections):
        s_path = f"{path}.sections[{s_index}]"
        section_data = _mapping(raw_section, s_path, problems)
        if section_data is None:
            continue
        _unknown_keys(section_data, SECTION_KEYS, s_path, problems)
        section = {
            "title": _text(section_data, "title", s_path, problems, required=False, max_length=200),
            "intro": _text(section_data, "intro", s_path, problems, required=False),
            "questions": [],
        }
        for q_index, raw_question in enumerate(_list(section_data, "questions", s_path, problems)):
            q_path = f"{s_path}.questions[{q_index}]"
            question_data = _mapping(raw_question, q_path, problems)
            if question_data is None:
                continue
            question = _parse_question(question_data, q_path, earlier, problems)
            if question["key"]:
                if question["key"] in earlier:
                    problems.add(f"{q_path}.key", f"'{question['key']}' is used by an earlier question of this award")
                earlier[question["key"]] = (question["type"], question["choices"])
            section["questions"].append(question)
        award["sections"].append(section)

    award["criteria"] = []
    seen_criteria = set()
    for c_index, raw_criterion in enumerate(_list(data, "criteria", path, problems)):
        c_path = f"{path}.criteria[{c_index}]"
        criterion_data = _mapping(raw_criterion, c_path, problems)
        if criterion_data is None:
            continue
        criterion = _parse_criterion(criterion_data, c_path, earlier, problems)
        if criterion["key"] in seen_criteria:
            problems.add(f"{c_path}.key", f"'{criterion['key']}' is used by an earlier criterion of this award")
        seen_criteria.add(criterion["key"])
        award["criteria"].append(criterion)
    return award


def _parse_question(data, path, earlier, problems) -> dict:
    _unknown_keys(data, QUESTION_KEYS, path, problems)
    question = {
        "key": _text(data, "key", path, problems, max_length=100),
        "prompt": _text(data, "prompt", path, problems),
        "guidance": _text(data, "guidance", path, problems, required=False),
        "type": data.get("type"),
        "required": _bool(data, "required", path, problems, True),
        "identifying": _bool(data, "identifying", path, problems, False),
        "visible_to_judges": _bool(data, "visible_to_judges", path, problems, True),
        "reportable": _bool(data, "reportable", path, problems, False),
        "max_length": _int(data, "max_length", path, problems, minimum=1),
        "min_words": _int(data, "min_words", path, problems),
        "max_words": _int(data, "max_words", path, problems, minimum=1),
        "min_value": _decimal(data.get("min_value"), f"{path}.min_value", problems),
        "max_value": _decimal(data.get("max_value"), f"{path}.max_value", problems),
        "choices": [],
        "min_choices": _int(data, "min_choices", path, problems),
        "max_choices": _int(data, "max_choices", path, problems, minimum=1),
        "file_types": [],
        "max_size_mb": _decimal(data.get("max_size_mb"), f"{path}.max_size_mb", problems),
        "wait_for_statement": _bool(data, "wait_for_statement", path, problems, False),
        "show_if_key": "",
        "show_if_value": "",
    }
    if question["key"] and (problem := rules.key_problem(question["key"])):
        problems.add(f"{path}.key", problem)
    qtype = question["type"]
    if qtype not in rules.QUESTION_TYPES:
        problems.add(f"{path}.type", f"must be one of {', '.join(rules.QUESTION_TYPES)}")
    for option, types in rules.TYPE_OPTIONS.items():
        if data.get(option) not in (None, False, []) and qtype in rules.QUESTION_TYPES and qtype not in types:
            problems.add(f"{path}.{option}", f"does not apply to a {qtype} question")

    raw_choices = _list(data, "choices", path, problems)
    if any(isinstance(c, (dict, list)) or c is None for c in raw_choices):
        problems.add(f"{path}.choices", "each choice must be plain text")
    else:
        question["choices"] = [str(c) for c in raw_choices]
        if problem := rules.choices_problem(qtype, question["choices"]):
            problems.add(f"{path}.choices", problem)
    raw_types = _list(data, "file_types", path, problems)
    question["file_types"] = [str(t).lower().lstrip(".") for t in raw_types]
    if problem := rules.file_types_problem(question["file_types"]):
        problems.add(f"{path}.file_types", problem)
    if problem := rules.range_problem(question["min_words"], question["max_words"], "words"):
        problems.add(f"{path}.max_words", problem)
    if problem := rules.range_problem(question["min_value"], question["max_value"], "value"):
        problems.add(f"{path}.max_value", problem)
    if problem := rules.choice_count_problem(question["min_choices"], question["max_choices"], question["choices"]):
        problems.add(f"{path}.max_choices", problem)
    if problem := rules.positive_problem(question["max_size_mb"], "size limit"):
        problems.add(f"{path}.max_size_mb", problem)

    show_if = data.get("show_if")
    if show_if is not None:
        if not isinstance(show_if, dict) or set(show_if) != {"question", "equals"}:
            problems.add(f"{path}.show_if", "must be {question: KEY, equals: VALUE}")
        else:
            target = str(show_if["question"])
            if problem := rules.show_if_problem(target, show_if["equals"], earlier):
                problems.add(f"{path}.show_if", problem)
            else:
                question["show_if_key"] = target
                equals = show_if["equals"]
                question["show_if_value"] = (
                    rules.normalise_yes_no(equals) if earlier[target][0] == "yes_no" else str(equals)
                )
    return question


def _parse_criterion(data, path, question_keys, problems) -> dict:
    _unknown_keys(data, CRITERION_KEYS, path, problems)
    criterion = {
        "key": _text(data, "key", path, problems, max_length=100),
        "title": _text(data, "title", path, problems, max_length=200),
        "description": _text(data, "description", path, problems, required=False),
        "weight": _decimal(data.get("weight", 1), f"{path}.weight", problems),
        "allow_na": _bool(data, "allow_na", path, problems, False),
        "scale_min": None,
        "scale_max": None,
        "levels": {},
        "question_keys": [],
    }
    if criterion["key"] and (problem := rules.key_problem(criterion["key"])):
        problems.add(f"{path}.key", problem)
    if criterion["weight"] is not None and (problem := rules.weight_problem(criterion["weight"])):
        problems.add(f"{path}.weight", problem)
    scale = data.get("scale")
    if (
        not isinstance(scale, list)
        or len(scale) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in scale)
    ):
        problems.add(f"{path}.scale", "must be [minimum, maximum], two whole numbers")
    else:
        criterion["scale_min"], criterion["scale_max"] = scale
        if problem := rules.scale_problem(*scale):
            problems.add(f"{path}.scale", problem)
    levels = data.get("levels") or {}
    if not isinstance(levels, dict):
        problems.add(f"{path}.levels", "must map levels to descriptors")
    else:
        parsed_levels = {}
        for level, text in levels.items():
            if isinstance(level, bool) or not isinstance(level, int):
                problems.add(f"{path}.levels", f"'{level}' is not a whole-number level")
            elif not isinstance(text, (str, int, float)):
                problems.add(f"{path}.levels.{level}", "must be text")
            else:
                parsed_levels[level] = str(text)
        if criterion["scale_min"] is not None and (
            problem := rules.levels_problem(parsed_levels, criterion["scale_min"], criterion["scale_max"])
        ):
            problems.add(f"{path}.levels", problem)
        criterion["levels"] = {str(level): text for level, text in sorted(parsed_levels.items())}
    for key in _list(data, "questions", path, problems):
        if str(key) not in question_keys:
            problems.add(f"{path}.questions", f"'{key}' is not a question of this award")
        else:
            criterion["question_keys"].append(str(key))
    return criterion


# ---------------------------------------------------------------- writing to the database


@dataclass
class ImportResult:
    programme: Programme
    created: bool
    retired: list[str] = field(default_factory=list)


def import_text(text: str | bytes, *, force: bool = False, by=None) -> ImportResult:
    """Read, check and import a definition; raise AwardFormatError and write nothing on any problem."""
    return import_definition(parse(load(text)), force=force, by=by)


def import_definition(definition: dict, *, force: bool = False, by=None) -> ImportResult:
    """Create or update a programme (by slug) from a parsed definition, in one transaction.

    Changes that would orphan answers already given are refused unless `force`;
    with `force`, the questions and awards concerned are retired (kept, inactive). `by` is who
    imported it, for the audit log (none for the command line).
    """
    # Criteria changes are announced once per award (stored totals recomputed once, not per criterion).
    with transaction.atomic(), criteria_batch():
        data = definition["programme"]
        programme = Programme.objects.select_for_update().filter(slug=data["slug"]).first()
        orphans = _orphaned_answers(programme, definition) if programme else []
        if orphans and not force:
            raise AwardFormatError(
                [*orphans, "nothing was imported: give --force to retire these and keep their answers"]
            )
        created = programme is None
        programme = programme or Programme(slug=data["slug"])
        for name in PROGRAMME_KEYS[1:]:
            setattr(programme, name, data[name])
        programme.save()
        result = ImportResult(programme=programme, created=created)

        existing = {award.slug: award for award in programme.awards.all()}
        for position, award_data in enumerate(definition["awards"]):
            award = existing.pop(award_data["slug"], None) or Award(programme=programme, slug=award_data["slug"])
            _write_award(award, award_data, position, result)
        for award in existing.values():
            if award.nominations.exists():
                award.active = False
                award.save(update_fields=["active"])
                result.retired.append(f"award '{award.slug}'")
            else:
                award.delete()
        audit.record(
            audit.Action.CONFIGURATION,
            f"Programme {programme.slug} {'created' if created else 'updated'} from an award definition"
            + (f"; retired {', '.join(result.retired)}" if result.retired else ""),
            actor=by,
            subject=f"programme:{programme.pk}",
        )
        return result


def _orphaned_answers(programme: Programme, definition: dict) -> list[str]:
    """What re-importing would orphan: removed awards or questions with answers, changed types."""
    problems = []
    wanted = {award["slug"]: (index, award) for index, award in enumerate(definition["awards"])}
    for award in programme.awards.filter(active=True):
        count = award.nominations.count()
        if award.slug not in wanted:
            if count:
                problems.append(f"awards: removing award '{award.slug}' would orphan its {count} nominations")
            continue
        index, award_data = wanted[award.slug]
        new_questions = {}
        for s_index, section in enumerate(award_data["sections"]):
            for q_index, question in enumerate(section["questions"]):
                new_questions[question["key"]] = (f"awards[{index}].sections[{s_index}].questions[{q_index}]", question)
        for question in award.questions.filter(active=True):
            answers = question.answers.count()
            if not answers:
                continue
            if question.key not in new_questions:
                problems.append(
                    f"awards[{index}].sections: removing question '{question.key}' would orphan its {answers} answers"
                )
            elif new_questions[question.key][1]["type"] != question.type:
                path, new = new_questions[question.key]
                problems.append(
                    f"{path}.type: changing '{question.key}' from {question.type} to {new['type']}"
                    f" would orphan its {answers} answers"
                )
    return problems


def _write_award(award: Award, data: dict, position: int, result: ImportResult):
    # Every award key but the slug (how it is found) and its sections and criteria (written below).
    for name in AWARD_KEYS:
        if name not in ("slug", "sections", "criteria"):
            setattr(award, name, data[name])
    award.position = position
    award.active = True
    award.save()

    sections = list(award.sections.order_by("position", "id"))
    current = {q.key: q for q in award.questions.filter(active=True)}
    retired = {q.key: q for q in award.questions.filter(active=False).order_by("-id")}
    for s_position, section_data in enumerate(data["sections"]):
        section = sections[s_position] if s_position < len(sections) else Section(award=award)
        section.position = s_position
        section.title = section_data["title"]
        section.intro = section_data["intro"]
        section.save()
        for q_position, question_data in enumerate(section_data["questions"]):
            question = current.pop(question_data["key"], None)
            if question is not None and question.type != question_data["type"] and question.answers.exists():
                _retire(question, result)
                question = None
            if question is None:
                comeback = retired.get(question_data["key"])
                # A retired question that comes back unchanged in type gets its answers back.
                if comeback is not None and comeback.type == question_data["type"]:
                    question = retired.pop(question_data["key"])
                else:
                    question = Question(award=award, key=question_data["key"])
            for name, value in question_data.items():
                setattr(question, name, value)
            question.section = section
            question.position = q_position
            question.active = True
            question.save()
    for question in current.values():
        if question.answers.exists():
            _retire(question, result)
        else:
            question.delete()
    for section in sections[len(data["sections"]) :]:
        section.delete()

    existing_criteria = {c.key: c for c in award.criteria.all()}
    for c_position, criterion_data in enumerate(data["criteria"]):
        criterion = existing_criteria.pop(criterion_data["key"], None) or Criterion(award=award)
        for name, value in criterion_data.items():
            setattr(criterion, name, value)
        criterion.position = c_position
        criterion.save()
    for criterion in existing_criteria.values():
        criterion.delete()


def _retire(question: Question, result: ImportResult):
    question.active = False
    question.section = None
    question.save(update_fields=["active", "section"])
    result.retired.append(f"question '{question.key}' of award '{question.award.slug}'")


# ---------------------------------------------------------------- writing out


def _local(value: dt.datetime | None, zone) -> str | None:
    if value is None:
        return None
    local = value.astimezone(zone)
    return local.strftime(DATETIME_FORMAT + (":%S" if local.second else ""))


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def export_definition(programme: Programme) -> dict:
    """The programme and its active awards as a format document."""
    zone = programme.zone
    awards = (
        programme.awards.filter(active=True)
        .order_by("position", "id")
        .prefetch_related("sections", "criteria", "questions")
    )
    return {
        "format": FORMAT_VERSION,
        "programme": {
            "slug": programme.slug,
            "name": programme.name,
            "organiser": programme.organiser,
            "contact_email": programme.contact_email,
            "timezone": programme.timezone,
            "nominations_open": _local(programme.nominations_open, zone),
            "nominations_close": _local(programme.nominations_close, zone),
        },
        "awards": [_export_award(award, zone) for award in awards],
    }


def _export_award(award: Award, zone) -> dict:
    questions_by_section: dict[int, list[Question]] = {}
    for question in award.questions.all():
        if question.active:
            questions_by_section.setdefault(question.section_id, []).append(question)
    sections = []
    for section in sorted(award.sections.all(), key=lambda s: (s.position, s.id)):
        entry = {}
        if section.title:
            entry["title"] = section.title
        if section.intro:
            entry["intro"] = section.intro
        questions = sorted(questions_by_section.get(section.id, []), key=lambda q: (q.position, q.id))
        entry["questions"] = [_export_question(q) for q in questions]
        sections.append(entry)
    result = {
        "slug": award.slug,
        "title": award.title,
        "summary": award.summary,
    }
    if award.description:
        result["description"] = award.description
    result.update(
        {
            "nominee": award.nominee,
            "self_nomination": award.self_nomination,
            "stepped": award.stepped,
            "nominations_open": _local(award.nominations_open, zone),
            "nominations_close": _local(award.nominations_close, zone),
            "sections": sections,
            "criteria": [_export_criterion(c) for c in sorted(award.criteria.all(), key=lambda c: (c.position, c.id))],
        }
    )
    return result


def _export_question(question: Question) -> dict:
    result = {"key": question.key, "prompt": question.prompt}
    if question.guidance:
        result["guidance"] = question.guidance
    result["type"] = question.type
    result["required"] = question.required
    for option in ("max_length", "min_words", "max_words", "min_choices", "max_choices"):
        if getattr(question, option) is not None:
            result[option] = getattr(question, option)
    for option in ("min_value", "max_value", "max_size_mb"):
        if getattr(question, option) is not None:
            result[option] = _number(getattr(question, option))
    if question.choices:
        result["choices"] = list(question.choices)
    if question.file_types:
        result["file_types"] = list(question.file_types)
    if question.reportable:
        result["reportable"] = True
    if question.identifying:
        result["identifying"] = True
    if not question.visible_to_judges:
        result["visible_to_judges"] = False
    if question.wait_for_statement:
        result["wait_for_statement"] = True
    if question.show_if_key:
        result["show_if"] = {"question": question.show_if_key, "equals": question.show_if_value}
    return result


def _export_criterion(criterion: Criterion) -> dict:
    result = {"key": criterion.key, "title": criterion.title}
    if criterion.description:
        result["description"] = criterion.description
    result["weight"] = _number(criterion.weight)
    result["scale"] = [criterion.scale_min, criterion.scale_max]
    if criterion.levels:
        result["levels"] = criterion.level_descriptors
    result["allow_na"] = criterion.allow_na
    if criterion.question_keys:
        result["questions"] = list(criterion.question_keys)
    return result


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as | blocks so definitions diff well, and never uses anchors."""

    def ignore_aliases(self, data):
        return True


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def dump(document: dict, *, as_json: bool = False) -> str:
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def export_text(programme: Programme, *, as_json: bool = False) -> str:
    return dump(export_definition(programme), as_json=as_json)
