"""Evaluation against gold annotations.

    evaluate(paths, texts)         -> Report (per-type and micro precision/recall/F1, misses per document,
                                      gold files whose text was not found)
    format_report(report, verbose) -> a printable table; verbose adds misses and false hits per document

Each path is a folder holding ``X.gold.json`` files. The text ``X.txt`` is looked up beside the gold
file, then in each folder of ``texts`` in order; a gold file whose text is found nowhere is listed in
``Report.missing`` (and counted in the printed report), never silently dropped. ``X.txt`` is read with
kg.ingest.read_documents (a compilation gives several documents: their entities are pooled) and
extracted. A predicted entity matches a gold one when the types agree and their name sets (name plus
aliases, quote marks removed, traditional characters simplified) intersect; matching is one-to-one.
Entities without mentions (reference-only parents from the gazetteer) are not evaluated, except those read
from the document's metadata (``attrs["source"] == "metadata"``: speaker, publication, 来源 organisation).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError, InputError
from kg.model import ENTITY_TYPES

_QUOTES = "“”‘’《》「」『』\"'"


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


@dataclass
class DocumentResult:
    doc: str
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_hits: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Report:
    by_type: dict[str, Counts]
    documents: list[DocumentResult]
    missing: list[Path] = field(default_factory=list)
    """Gold files for which no text was found (beside them or in the text folders)."""

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.by_type.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total


def _names(name: str, aliases: Sequence[str] | set[str]) -> set[str]:
    from kg.ingest.script import simplify

    result = set()
    for n in [name, *aliases]:
        cleaned = "".join(c for c in n if c not in _QUOTES).replace(" ", "")
        if cleaned:
            result.add(simplify(cleaned))
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
    by_type = {t: Counts() for t in ENTITY_TYPES}
    documents: list[DocumentResult] = []
    missing: list[Path] = []
    for folder in paths:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(str(folder), "not a folder of gold annotations")
        for gold_path in sorted(folder.glob("*.gold.json")):
            text_path = find_text(gold_path, texts)
            if text_path is None:
                missing.append(gold_path)
                continue
            gold = _load_gold(gold_path)
            predicted: list[tuple[str, str, set[str]]] = []
            for doc in read_documents(text_path):
                for entity in extract_document(doc).entities:
                    if entity.mentions or entity.attrs.get("source") == METADATA:
                        predicted.append((entity.type, entity.name, _names(entity.name, entity.aliases)))
            documents.append(_compare(text_path.stem, gold, predicted, by_type))
    return Report(by_type, documents, missing)


def _compare(
    stem: str,
    gold: list[tuple[str, str, set[str]]],
    predicted: list[tuple[str, str, set[str]]],
    by_type: dict[str, Counts],
) -> DocumentResult:
    result = DocumentResult(stem)
    used: set[int] = set()
    # Pool predictions of the same type and name (a compilation's parts give the same entity twice).
    pooled: dict[tuple[str, str], set[str]] = {}
    for type_, name, names in predicted:
        pooled.setdefault((type_, name), set()).update(names)
    preds = [(t, n, s) for (t, n), s in pooled.items()]
    for g_type, g_name, g_names in gold:
        match = next((i for i, (t, _, s) in enumerate(preds) if i not in used and t == g_type and s & g_names), None)
        if match is None:
            by_type[g_type].fn += 1
            result.misses.append((g_type, g_name))
        else:
            used.add(match)
            by_type[g_type].tp += 1
    for i, (t, n, _s) in enumerate(preds):
        if i in used:
            continue
        # A second prediction naming an already matched gold entity is a duplicate, not a false hit.
        by_type[t].fp += 1
        result.false_hits.append((t, n))
    return result


def format_report(report: Report, verbose: bool = False) -> str:
    lines = [f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    for t, c in report.by_type.items():
        lines.append(f"{t:<14}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}{c.tp + c.fn:7d}{c.tp + c.fp:7d}")
    m = report.micro
    lines.append(f"{'micro':<14}{m.precision:7.3f}{m.recall:7.3f}{m.f1:7.3f}{m.tp + m.fn:7d}{m.tp + m.fp:7d}")
    lines.append(f"documents scored: {len(report.documents)}; gold files without a text: {len(report.missing)}")
    if verbose:
        for d in report.documents:
            lines.append(f"\n== {d.doc}")
            lines.extend(f"  miss  {t:<14}{n}" for t, n in d.misses)
            lines.extend(f"  false {t:<14}{n}" for t, n in d.false_hits)
    return "\n".join(lines)
