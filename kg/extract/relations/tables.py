"""The relation extractor's data files, read once per process, and the entity types it reasons with.

    patterns()        -> the sentence patterns of kg/data/relation_patterns.tsv, compiled
    relation_words()  -> the words of kg/data/relation_words.tsv (subject prefixes, 陪同, report genres …)
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.errors import ConfigError
from kg.extract.relations.skeleton import PH, placeholder_class
from kg.lexicon import DATA_DIR, rows
from kg.model import ENTITY_TYPES, Entity

BODY_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan"})
AGENT_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan", "Person", "Platform", "Event"})
"""Types that can be the subject of a clause (do something)."""
COUNT_OWNER_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan", "Platform", "Event"})
COUNTED_TYPES = frozenset({"Platform", "Event", "Mechanism", "Topic"})
"""Types of entity a count may count (“小微协商”140余次); 20个县政协 counts no particular body."""

LEVEL_RANKS = {"province": 1, "city": 2, "county": 3, "town": 4, "township": 4, "street": 4, "village": 5,
               "community": 5, "compound": 6}
"""Administrative levels of places (attrs["level"]), larger first: a place of a lower rank number contains
places of higher ones."""


def place_rank(place: Entity) -> int | None:
    """The rank of the place's level (None: unknown, as for zones and landmarks)."""
    return LEVEL_RANKS.get(place.attrs.get("level", ""))


_GAP = "(?:[^\ue000-\uf8ff，,；;：:。！？!?]{0,10}?)"
_SEPARATORS = "(?:以及|、|和|及|与)"
_COUNT = "(?:[0-9０-９一二两三四五六七八九十百千万余多]+(?:个|家|处|座|间|场次|场|次|户|名|支)?)?"
"""A count written after a list member (建成协商议事室32个、委员工作室15个)."""
_LONG_GAP = "(?:[^，,；;：:。！？!?]{0,20}?)"
"""The ⋯ macro: a gap of at most 20 characters that may hold mentions (no clause punctuation)."""
_CONDITIONS = frozenset({"", "named_object", "first_object"})

PATTERNS_FILE = "relation_patterns.tsv"
WORDS_FILE = "relation_words.tsv"
_WORD_KINDS = frozenset({"subject_prefix", "local_subject", "people_noun", "people_subject", "accompany", "report_genre", "not_report",
                         "acting_organ", "attend", "hold", "consult_cue", "group_subject", "visit_verb", "join_visit", "lead_verb",
                         "attend_list_end", "meeting_word", "attendee_list",
                         "venue_marker", "host_place",
                         "unnamed_meeting"})


@dataclass(frozen=True)
class Pattern:
    predicate: str
    subject_types: frozenset[str]
    object_types: frozenset[str]
    regex: re.Pattern[str]
    source: str
    """File and line, for debugging."""
    context_free: bool = False
    """Whether a match depends only on the text it covers (no anchors, look-arounds, atomic groups or
    possessive repeats): such a pattern is searched once over all the sentences of a document."""

    needs: tuple[int, ...] = ()
    """The types of the mentions a sentence needs for a relation, as masks (see type_mask): one of the
    subject types when the pattern has {S}, one of the object types when it has {O} (a subject or object
    that is the clause's subject may come from elsewhere, such as the speaker)."""

    named_object: bool = False
    """Whether the object must be a platform with a name of its own (“知心大姐”委员工作室), not a kind of
    venue or format (委员工作室): for readings as weak as a body written right before a platform."""

    first_object: bool = False
    """Whether only the first object of the match counts (县政协委员工作室 gives the body's venue; in 县政协
    “邻里汇”议事会 the kind of meeting after the body's named platform is the platform's, not the body's)."""

    @property
    def has_subject(self) -> bool:
        return "S" in self.regex.groupindex

    @property
    def has_object(self) -> bool:
        return "O" in self.regex.groupindex


_TYPE_BITS = {name: 1 << number for number, name in enumerate(ENTITY_TYPES)}


def type_mask(types: Iterable[str]) -> int:
    """The entity types as one integer, a bit per type (a quick test of whether two sets meet)."""
    mask = 0
    for name in types:
        mask |= _TYPE_BITS[name]
    return mask


@dataclass(frozen=True)
class Words:
    subject_prefix: re.Pattern[str]
    local_subject: tuple[str, ...]
    people_noun: tuple[str, ...]
    people_subject: tuple[str, ...]
    accompany: tuple[str, ...]
    report_genre: tuple[str, ...]
    not_report: tuple[str, ...]
    acting_organ: tuple[str, ...]
    attend: tuple[str, ...]
    hold: tuple[str, ...]
    consult_cue: tuple[str, ...]
    group_subject: tuple[str, ...]
    visit_verb: tuple[str, ...]
    join_visit: tuple[str, ...]
    lead_verb: re.Pattern[str]
    attend_list_end: re.Pattern[str]
    meeting_word: re.Pattern[str]
    attendee_list: re.Pattern[str]
    venue_marker: tuple[str, ...]
    unnamed_meeting: tuple[str, ...]
    host_visit: re.Pattern[str]
    """A verb of going (visit_verb, 来, 莅临) and a host place word after it (in group ``host``)."""


def _data_lines(name: str) -> Iterable[tuple[int, list[str]]]:
    """(line number, columns) of a relation data file, read by the project's one data-file reader."""
    for cols, number in rows(DATA_DIR / name, 1, 9):
        yield number, list(cols)


def _types(value: str, where: str) -> frozenset[str]:
    types = frozenset(t.strip() for t in value.split(",") if t.strip())
    unknown = sorted(types - set(ENTITY_TYPES))
    if not types or unknown:
        raise ConfigError(f"{where}: unknown entity type(s) {unknown or [value]}; use {', '.join(ENTITY_TYPES)}")
    return types


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The sentence patterns of kg/data/relation_patterns.tsv, compiled (read once per process)."""
    loaded: list[Pattern] = []
    for number, cols in _data_lines(PATTERNS_FILE):
        where = f"kg/data/{PATTERNS_FILE}, line {number}"
        if len(cols) not in (4, 5) or not all(cols[:4]):
            raise ConfigError(f"{where}: expected 4 tab-separated columns (predicate, subject types, "
                              f"object types, pattern) and maybe a condition, got {len(cols)}")
        predicate, subject_types, object_types, source = cols[:4]
        condition = cols[4] if len(cols) == 5 else ""
        if condition not in _CONDITIONS:
            raise ConfigError(f"{where}: unknown condition {condition!r}; use one of {', '.join(sorted(_CONDITIONS - {''}))}")
        if "{S}" not in source and "{O}" not in source:
            raise ConfigError(f"{where}: the pattern needs {{S}} or {{O}}: {source!r}")
        subjects, objects = _types(subject_types, where), _types(object_types, where)
        expression = (source.replace("{S}", _subject_group(subjects)).replace("{O}", _object_group(objects))
                      .replace("…", _GAP).replace("⋯", _LONG_GAP))
        try:
            regex = re.compile(expression)
            context_free = _context_free(_regex_parser().parse(_bare(source), regex.flags))
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern {source!r}: {exc}") from exc
        needs = tuple(type_mask(types) for group, types in (("S", subjects), ("O", objects)) if group in regex.groupindex)
        loaded.append(Pattern(predicate, subjects, objects, regex, where, context_free, needs,
                              condition == "named_object", condition == "first_object"))
    return tuple(loaded)


def _subject_group(types: frozenset[str]) -> str:
    """{S}: a mention of one of ``types``, or a list of them."""
    one = placeholder_class(types)
    return f"(?P<S>{one}(?:{_SEPARATORS}{one})*)"


def _object_group(types: frozenset[str]) -> str:
    """{O}: a mention of one of ``types`` (maybe after mentions of other types written side by side, such as its
    owner: 县政协“邻里汇”), each with its count, or a list of them (joined by a separator or side by side)."""
    one = f"{PH}*?{placeholder_class(types)}{_COUNT}"
    return f"(?P<O>{one}(?:{_SEPARATORS}?{one})*)"


_ATOMS = (("{S}", "(?P<S>.)"), ("{O}", "(?P<O>.)"), ("…", "."), ("⋯", "."))


def _bare(source: str) -> str:
    """A pattern's source with each macro one atom ({S} and {O} a group of that name): it is context-free
    when the expanded expression is, as the macros' expansions hold no anchor, look-around, atomic group or
    possessive repeat (tests/test_extract_equivalence.py checks them), and it is a fifth as long to parse
    (parsing each expanded expression again was 15% of patterns(), which every worker process runs)."""
    for macro, atom in _ATOMS:
        source = source.replace(macro, atom)
    return source


def _regex_parser() -> Any:
    """The standard library's regular expression parser (``re._parser``)."""
    return importlib.import_module("re._parser")


def _context_free(items: Any) -> bool:
    """Whether the parsed expression ``items`` matches a piece of text whatever surrounds it."""
    parser = _regex_parser()  # it re-exports the opcodes of re._constants
    contextual = (parser.AT, parser.ASSERT, parser.ASSERT_NOT, parser.ATOMIC_GROUP, parser.POSSESSIVE_REPEAT)
    stack = [items]
    while stack:
        for op, arg in stack.pop():
            if op in contextual:
                return False
            stack.extend(_subpatterns(arg, parser.SubPattern))
    return True


def _subpatterns(arg: Any, kind: type) -> Iterable[Any]:
    if isinstance(arg, kind):
        yield arg
    elif isinstance(arg, (tuple, list)):
        for item in arg:
            yield from _subpatterns(item, kind)


@lru_cache(maxsize=1)
def relation_words() -> Words:
    found: dict[str, list[str]] = {kind: [] for kind in _WORD_KINDS}
    for number, cols in _data_lines(WORDS_FILE):
        where = f"kg/data/{WORDS_FILE}, line {number}"
        if len(cols) != 2 or cols[0] not in _WORD_KINDS or not cols[1]:
            raise ConfigError(f"{where}: expected 'kind<TAB>value' with kind one of {', '.join(sorted(_WORD_KINDS))}")
        if cols[0] in ("subject_prefix", "attend_list_end", "meeting_word", "attendee_list", "lead_verb"):
            try:
                re.compile(cols[1])
            except re.error as exc:
                raise ConfigError(f"{where}: bad expression {cols[1]!r}: {exc}") from exc
        found[cols[0]].append(cols[1])
    prefix = re.compile("(?:" + "|".join(f"(?:{p})" for p in found["subject_prefix"]) + ")*")
    return Words(
        prefix,
        tuple(found["local_subject"]),
        tuple(found["people_noun"]),
        tuple(found["people_subject"]),
        tuple(found["accompany"]),
        tuple(found["report_genre"]),
        tuple(found["not_report"]),
        tuple(found["acting_organ"]),
        tuple(found["attend"]),
        tuple(found["hold"]),
        tuple(found["consult_cue"]),
        tuple(found["group_subject"]),
        tuple(found["visit_verb"]),
        tuple(found["join_visit"]),
        re.compile("|".join(f"(?:{p})" for p in found["lead_verb"]) or "(?!)"),
        re.compile("(?:" + "|".join(f"(?:{p})" for p in found["attend_list_end"]) + ")*"),
        re.compile("|".join(f"(?:{p})" for p in found["meeting_word"]) or "(?!)"),
        re.compile("|".join(f"(?:{p})" for p in found["attendee_list"]) or "(?!)"),
        tuple(found["venue_marker"]),
        tuple(found["unnamed_meeting"]),
        re.compile("(?:" + "|".join(map(re.escape, sorted({*found["visit_verb"], "来", "莅临"}, key=lambda w: (-len(w), w))))
                   + ")(?:了)?(?P<host>" + ("|".join(map(re.escape, found["host_place"])) or "(?!)") + ")"),
    )

