"""Time in an extraction: the date each sentence gives, the dates of events, and posts held at a time.

    timeline(extraction) -> Timeline

A sentence's date is its first time expression that is a point in time (not 2021年以来, 截至11月底, nor a
date inside 《》 or quotes), read by kg.ingest.dates against the document's date; a month or day written
without its year takes them from the last date written earlier in the same paragraph (2024年，… 3月，…).
近日 and 日前 never give a date, and 昨日 only when the document's date has a day.

An Event named in a sentence that gives a date and says the event took place (召开, 举行 … in
kg/data/time_words.tsv, kind ``held``) starts on the date written nearest before its name (a point in time
or the start of a period, 2021年起), else the first after it, and ends on a range's second date.

Each holdsPosition relation becomes a Tenure: who held which post (and in which organ, when the document
says) according to this document, on the date its sentence gives, else on the document's date. A post
written as a former one (原县政协主席) gets no date; one written with 时任 only the sentence's own date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.ingest.dates import TimeExpr, find_times, resolve, time_words
from kg.model import Entity, EntityKey, Extraction, Sentence

_OPENING = "《“「『\"‘"
_CLOSING = "》”」』\"’"


@dataclass(frozen=True)
class Period:
    """A date or range as ISO strings (yyyy, yyyy-mm or yyyy-mm-dd); ``end`` is None for a single date."""

    start: str
    end: str | None = None


@dataclass(frozen=True)
class EventDate:
    event: EntityKey
    period: Period
    sentence: int


@dataclass
class Tenure:
    person: EntityKey
    position: EntityKey
    organ: EntityKey | None
    date: str | None
    """When the document says the post was held (ISO, any precision), or None."""
    sentences: list[int] = field(default_factory=list)


@dataclass
class Timeline:
    sentences: dict[int, Period]
    """Sentence index -> the date the sentence gives (its first point in time)."""
    events: list[EventDate]
    tenures: list[Tenure]


@dataclass(frozen=True)
class _Dated:
    offset: int
    """Where the time expression starts in the document."""
    period: Period
    since: bool
    """True for the start of a period (2021年起), False for a point in time."""


def timeline(extraction: Extraction) -> Timeline:
    doc = extraction.document
    found = _sentence_times(doc.norm, extraction.sentences, doc.date)
    dated = {index: next(t.period for t in times if not t.since) for index, times in found.items() if any(not t.since for t in times)}
    return Timeline(dated, event_dates(extraction, found), tenures(extraction, dated))


def sentence_dates(norm: str, sentences: list[Sentence], anchor: str | None) -> dict[int, Period]:
    """The date each sentence gives (its first point in time), read against ``anchor`` (the document's date)
    and the dates written earlier in its paragraph."""
    found = _sentence_times(norm, sentences, anchor)
    return {index: next(t.period for t in times if not t.since) for index, times in found.items() if any(not t.since for t in times)}


def _sentence_times(norm: str, sentences: list[Sentence], anchor: str | None) -> dict[int, list[_Dated]]:
    found: dict[int, list[_Dated]] = {}
    context: str | None = None
    previous_end = 0
    for sentence in sentences:
        if "\n" in norm[previous_end : sentence.start]:
            context = None
        previous_end = sentence.end
        text = norm[sentence.start : sentence.end]
        for expr in find_times(text):
            if expr.role not in ("point", "since") or _quoted(text, expr):
                continue
            resolved = resolve(expr, anchor, context)
            if resolved is None:
                continue
            found.setdefault(sentence.index, []).append(_Dated(sentence.start + expr.start, Period(*resolved), expr.role == "since"))
            if _writes_year(expr):
                context = resolved[0]
    return found


def _writes_year(expr: TimeExpr) -> bool:
    return expr.year is not None or expr.relative == "year"


def _quoted(text: str, expr: TimeExpr) -> bool:
    before = text[: expr.start]
    return sum(before.count(c) for c in _OPENING) > sum(before.count(c) for c in _CLOSING)


def event_dates(extraction: Extraction, found: dict[int, list[_Dated]]) -> list[EventDate]:
    """Events named in a sentence that says they took place, dated by the nearest date written before the
    name in that sentence (a point in time, or the start of a period: 2021年起开展…试点), else the first after."""
    held = tuple(time_words()["held"])
    texts = {s.index: s.text for s in extraction.sentences}  # by index: a window's sentences do not start at 0
    dated: dict[tuple[EntityKey, Period], EventDate] = {}
    for entity in extraction.entities:
        if entity.type != "Event":
            continue
        for mention in entity.mentions:
            times = found.get(mention.sentence)
            if not times or not any(verb in texts[mention.sentence] for verb in held):
                continue
            before = [t for t in times if t.offset < mention.start]
            period = (before[-1] if before else times[0]).period
            dated.setdefault((entity.key, period), EventDate(entity.key, period, mention.sentence))
    return sorted(dated.values(), key=lambda e: (e.event, e.period.start, e.sentence))


def tenures(extraction: Extraction, dated: dict[int, Period]) -> list[Tenure]:
    words = time_words()
    former, then = tuple(words["former"]), tuple(words["then"])
    organs: dict[EntityKey, EntityKey] = {}
    for relation in extraction.relations:
        if relation.predicate == "positionIn" and isinstance(relation.object, tuple):
            organs.setdefault(relation.subject, relation.object)
    by_key = {e.key: e for e in extraction.entities}
    norm = extraction.document.norm
    found: dict[tuple[EntityKey, EntityKey, str | None], Tenure] = {}
    for relation in extraction.relations:
        if relation.predicate != "holdsPosition" or relation.sentence < 0 or not isinstance(relation.object, tuple):
            continue
        marker = _marker(norm, by_key.get(relation.subject), by_key.get(relation.object), relation.sentence, former + then)
        period = dated.get(relation.sentence)
        if marker in former:
            date = None
        elif marker in then:
            date = period.start if period else None
        else:
            date = period.start if period else extraction.document.date
        key = (relation.subject, relation.object, date)
        tenure = found.setdefault(key, Tenure(relation.subject, relation.object, organs.get(relation.object), date))
        if relation.sentence not in tenure.sentences:
            tenure.sentences.append(relation.sentence)
    return [found[k] for k in sorted(found, key=lambda k: (k[0], k[1], k[2] or ""))]


def _marker(norm: str, person: Entity | None, position: Entity | None, sentence: int, markers: tuple[str, ...]) -> str:
    """The former/then marker written right before the post's mention that names this person in ``sentence``
    (the mention ending nearest before the person's name), or ''."""
    if person is None or position is None:
        return ""
    names = [m.start for m in person.mentions if m.sentence == sentence]
    posts = [m for m in position.mentions if m.sentence == sentence]
    if not names or not posts:
        return ""
    mention = min(posts, key=lambda m: min((n - m.end if n >= m.end else 10_000 + m.start - n) for n in names))
    before = norm[max(0, mention.start - 3) : mention.start]
    return next((word for word in sorted(markers, key=len, reverse=True) if before.endswith(word)), "")
