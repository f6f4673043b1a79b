"""Evaluation against gold annotations: entities, and relations where ``X.rel.json`` sits beside the gold.

    evaluate(paths, texts)         -> Report (per-type and micro precision/recall/F1 of entities and of
                                      relations, misses per document, gold files whose text was not found)
    format_report(report, verbose) -> a printable table; verbose adds misses and false hits per document

Each path is a folder holding ``X.gold.json`` files. The text ``X.txt`` is looked up beside the gold
file, then in each folder of ``texts`` in order; a gold file whose text is found nowhere is listed in
``Report.missing`` (and counted in the printed report), never silently dropped. ``X.txt`` is read with
kg.ingest.read_documents (a compilation gives several documents: their entities are pooled) and
extracted. A predicted entity matches a gold one when the types agree and their name sets (name plus
aliases, quote marks removed, traditional characters simplified) intersect; matching is one-to-one.
Entities without mentions (reference-only parents from the gazetteer) are not evaluated, except those read
from the document's metadata (``attrs["source"] == "metadata"``: speaker, publication, 来源 organisation).

Relations (format and rule in ../shared/ANNOTATION.md) are compared in nine coarse types: our predicates
map to them through COARSE_RELATIONS, the one table of that mapping. A predicted relation is scored when
both its ends match gold entities (as above), as the unordered pair of those gold entities and its coarse
type, so either direction counts; one with an end outside the gold entities is not scored (counted in
``Report.unscored``). A PART_OF between two gold places that the gold does not list (an administrative
containment from the gazetteer) is not counted wrong; gold ones count for recall. Relations are sets: one
stated several times counts once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError, InputError
from kg.model import ENTITY_TYPES, EntityKey, Quantity, Relation
from kg.text import ANY_QUOTES

_QUOTES = ANY_QUOTES

RELATION_TYPES = ("HOLDS", "PART_OF", "LOCATED_IN", "RUNS", "ADOPTS", "CONSULTS_ON", "PARTICIPATES", "VISITS", "PRAISES")
"""The coarse relation types of the gold (../shared/ANNOTATION.md)."""

COARSE_RELATIONS: dict[str, dict[str, str]] = {
    "holdsPosition": {"*": "HOLDS"},
    "within": {"*": "PART_OF"},
    "subOrganOf": {"*": "PART_OF"},
    "locatedIn": {"*": "LOCATED_IN"},
    "runsPlatform": {"*": "RUNS"},
    "adoptsMechanism": {"*": "ADOPTS"},
    "consultsOn": {"*": "CONSULTS_ON"},
    "participatesIn": {"*": "PARTICIPATES"},
    "holdsEvent": {"*": "PARTICIPATES"},
    "speaksAt": {"*": "PARTICIPATES"},
    "leads": {"Place": "VISITS", "CPPCCBody": "VISITS", "PartyGovOrgan": "VISITS", "Platform": "VISITS",
              "*": "PARTICIPATES"},
    "visits": {"*": "VISITS"},
    "praises": {"*": "PRAISES"},
}
"""Our predicate -> {object type (or "*" for any other) -> coarse type}. Predicates not listed
(positionIn, guidedBy, accompanies, publishedIn, hasQuantity) have no coarse type and are not scored."""


def coarse_type(predicate: str, object_type: str) -> str | None:
    """The coarse relation type of ``predicate`` with an object of ``object_type`` (None: not scored)."""
    by_object = COARSE_RELATIONS.get(predicate)
    if by_object is None:
        return None
    return by_object.get(object_type, by_object.get("*"))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _total(counts: Iterable[Counts]) -> Counts:
    total = Counts()
    for c in counts:
        total.tp += c.tp
        total.fp += c.fp
        total.fn += c.fn
    return total


GoldRelation = tuple[str, str, str]
"""(coarse type, subject name, object name) as the gold writes it (names of gold entities)."""


@dataclass
class DocumentResult:
    doc: str
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_hits: list[tuple[str, str]] = field(default_factory=list)
    relation_misses: list[GoldRelation] = field(default_factory=list)
    relation_false_hits: list[GoldRelation] = field(default_factory=list)
    """Predicted relations in gold names: (coarse type, subject, object) in our direction."""


@dataclass
class Report:
    by_type: dict[str, Counts]
    documents: list[DocumentResult]
    missing: list[Path] = field(default_factory=list)
    """Gold files for which no text was found (beside them or in the text folders)."""
    by_relation: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in RELATION_TYPES})
    relation_documents: int = 0
    """Documents scored for relations (those with an X.rel.json)."""
    unscored: int = 0
    """Predicted relations of a coarse type with an end that matches no gold entity (not scored)."""

    @property
    def micro(self) -> Counts:
        return _total(self.by_type.values())

    @property
    def relations(self) -> Counts:
        return _total(self.by_relation.values())


def _names(name: str, aliases: Sequence[str] | set[str]) -> set[str]:
    from kg.ingest.script import simplify

    result: set[str] = set()
    for n in [name, *aliases]:
        cleaned = "".join(c for c in n if c not in _QUOTES).replace(" ", "")
        if cleaned:  # a name alone may not tell its script: 李乾坤 of a traditional text is 李干坤 in its norm
            result.update((simplify(cleaned, traditional=False), simplify(cleaned, traditional=True)))
    return result


def _load_gold(path: Path) -> list[tuple[str, str, set[str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read gold annotations: {exc}") from exc
    gold = []
    for number, item in enumerate(data.get("entities", []), start=1):
        if not isinstance(item, dict) or "name" not in item or item.get("type") not in ENTITY_TYPES:
            raise ConfigError(f"{path}: entity {number} needs a name and a known type, got {item!r}")
        gold.append((item["type"], item["name"], _names(item["name"], item.get("aliases", []))))
    return gold


def _load_relations(path: Path, gold: list[tuple[str, str, set[str]]]) -> list[GoldRelation] | None:
    """The relations of ``X.rel.json`` beside ``X.gold.json`` (None when there is none), deduplicated."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read gold relations: {exc}") from exc
    names = {name for _, name, _ in gold}
    found: list[GoldRelation] = []
    for number, item in enumerate(data.get("relations", []) if isinstance(data, dict) else [], start=1):
        if not isinstance(item, dict) or item.get("r") not in RELATION_TYPES:
            raise ConfigError(f"{path}: relation {number} needs r, one of {', '.join(RELATION_TYPES)}; got {item!r}")
        for end in ("s", "o"):
            if item.get(end) not in names:
                raise ConfigError(
                    f"{path}: relation {number}: {end} {item.get(end)!r} is not the name of an entity in {path.name[: -len('.rel.json')]}.gold.json"
                )
        relation = (item["r"], item["s"], item["o"])
        if relation not in found:
            found.append(relation)
    return found


def find_text(gold_path: Path, texts: Sequence[Path] = ()) -> Path | None:
    """The text of ``gold_path`` (X.gold.json -> X.txt): beside it, else in the first of ``texts`` holding it."""
    name = gold_path.name[: -len(".gold.json")] + ".txt"
    for folder in (gold_path.parent, *map(Path, texts)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def evaluate(paths: Sequence[Path], texts: Sequence[Path] = ()) -> Report:
    from kg.extract import extract_document
    from kg.extract.metadata import SOURCE as METADATA
    from kg.ingest import read_documents

    for folder in texts:
        if not Path(folder).is_dir():
            raise InputError(str(folder), "not a folder of texts")
    report = Report({t: Counts() for t in ENTITY_TYPES}, [])
    for folder in paths:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(str(folder), "not a folder of gold annotations")
        for gold_path in sorted(folder.glob("*.gold.json")):
            text_path = find_text(gold_path, texts)
            if text_path is None:
                report.missing.append(gold_path)
                continue
            gold = _load_gold(gold_path)
            gold_relations = _load_relations(gold_path.with_name(gold_path.name[: -len(".gold.json")] + ".rel.json"), gold)
            predicted: list[tuple[str, str, set[str]]] = []
            relations: list[tuple[Relation, str]] = []
            for doc in read_documents(text_path):
                extraction = extract_document(doc)
                types = {e.key: e.type for e in extraction.entities}
                for entity in extraction.entities:
                    if entity.mentions or entity.attrs.get("source") == METADATA:
                        predicted.append((entity.type, entity.name, _names(entity.name, entity.aliases)))
                relations.extend(
                    (r, types.get(r.object, "")) for r in extraction.relations if not isinstance(r.object, Quantity)
                )
            result, matched = _compare(text_path.stem, gold, predicted, report.by_type)
            if gold_relations is not None:
                report.relation_documents += 1
                report.unscored += _compare_relations(result, gold, gold_relations, matched, relations, report.by_relation)
            report.documents.append(result)
    return report


def _compare(
    stem: str,
    gold: list[tuple[str, str, set[str]]],
    predicted: list[tuple[str, str, set[str]]],
    by_type: dict[str, Counts],
) -> tuple[DocumentResult, dict[EntityKey, int]]:
    """Entity counts of one document, and which gold entity (by index) each predicted entity matches."""
    result = DocumentResult(stem)
    used: set[int] = set()
    # Pool predictions of the same type and name (a compilation's parts give the same entity twice).
    pooled: dict[tuple[str, str], set[str]] = {}
    for type_, name, names in predicted:
        pooled.setdefault((type_, name), set()).update(names)
    preds = [(t, n, s) for (t, n), s in pooled.items()]
    matched: dict[EntityKey, int] = {}
    for number, (g_type, g_name, g_names) in enumerate(gold):
        match = next((i for i, (t, _, s) in enumerate(preds) if i not in used and t == g_type and s & g_names), None)
        if match is None:
            by_type[g_type].fn += 1
            result.misses.append((g_type, g_name))
        else:
            used.add(match)
            matched[preds[match][:2]] = number
            by_type[g_type].tp += 1
    for i, (t, n, s) in enumerate(preds):
        if i in used:
            continue
        # A second prediction naming an already matched gold entity is a duplicate: a false hit among the
        # entities, but its relations are that gold entity's.
        same = next((number for number, (g_type, _, g_names) in enumerate(gold) if g_type == t and s & g_names), None)
        if same is not None:
            matched[(t, n)] = same
        by_type[t].fp += 1
        result.false_hits.append((t, n))
    return result, matched


def _compare_relations(
    result: DocumentResult,
    gold: list[tuple[str, str, set[str]]],
    gold_relations: list[GoldRelation],
    matched: dict[EntityKey, int],
    predicted: list[tuple[Relation, str]],
    by_relation: dict[str, Counts],
) -> int:
    """Relation counts of one document (see the module's docstring); returns how many were not scored."""
    places = {name for type_, name, _ in gold if type_ == "Place"}
    expected = {(r, frozenset((s, o))): (r, s, o) for r, s, o in gold_relations}
    found: dict[tuple[str, frozenset[str]], GoldRelation] = {}
    unscored: set[tuple[str, EntityKey, EntityKey]] = set()
    for relation, object_type in predicted:
        coarse = coarse_type(relation.predicate, object_type)
        if coarse is None:
            continue
        assert not isinstance(relation.object, Quantity)
        subject, obj = matched.get(relation.subject), matched.get(relation.object)
        if subject is None or obj is None:
            unscored.add((coarse, relation.subject, relation.object))
            continue
        names = (gold[subject][1], gold[obj][1])
        if names[0] != names[1]:
            found.setdefault((coarse, frozenset(names)), (coarse, *names))
    for key, listed in expected.items():
        if key in found:
            by_relation[listed[0]].tp += 1
        else:
            by_relation[listed[0]].fn += 1
            result.relation_misses.append(listed)
    for key, hit in found.items():
        if key in expected or (hit[0] == "PART_OF" and key[1] <= places):
            continue
        by_relation[hit[0]].fp += 1
        result.relation_false_hits.append(hit)
    return len(unscored)


def _row(label: str, c: Counts) -> str:
    return f"{label:<14}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}{c.tp + c.fn:7d}{c.tp + c.fp:7d}"


def format_report(report: Report, verbose: bool = False) -> str:
    """The entity table ending in a ``micro`` line, then, when any document has relation gold, the relation
    table ending in a ``relations`` line (the only lines that start with those words)."""
    lines = [f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    lines.extend(_row(t, c) for t, c in report.by_type.items())
    lines.append(_row("micro", report.micro))
    if report.relation_documents:
        lines.append("")
        lines.append(f"{'by relation':<14}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}")
        lines.extend(_row(t, c) for t, c in report.by_relation.items())
        lines.append(_row("relations", report.relations))
    lines.append(f"documents scored: {len(report.documents)}; gold files without a text: {len(report.missing)}")
    if report.relation_documents:
        lines.append(
            f"documents with relation gold: {report.relation_documents}; "
            f"predicted relations with an end outside the gold entities (not scored): {report.unscored}"
        )
    if verbose:
        for d in report.documents:
            lines.append(f"\n== {d.doc}")
            lines.extend(f"  miss  {t:<14}{n}" for t, n in d.misses)
            lines.extend(f"  false {t:<14}{n}" for t, n in d.false_hits)
            unfound = {name for _, name in d.misses}
            for r, s, o in d.relation_misses:
                lost = [name for name in (s, o) if name in unfound]
                lines.append(f"  miss  {r:<14}{s} -> {o}" + (f"  (entity missed: {', '.join(lost)})" if lost else ""))
            lines.extend(f"  false {r:<14}{s} -> {o}" for r, s, o in d.relation_false_hits)
    return "\n".join(lines)
