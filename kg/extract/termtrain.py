"""Training data, training and cross-validation for the Topic/Mechanism labeller (kg.extract.termtagger).

    load_gold(folder, texts, select)  -> [GoldDocument] of one folder of X.gold.json files
    train(documents, model_path)      -> write a CRF model trained on the documents' gold spans
    cross_validate(shared)            -> [Fold]: each training group scored by the whole extractor (kg eval's
                                         scorer), rules alone and with a model trained on the other groups
    cv_table(folds)                   -> per group and pooled figures (scripts/train_terms.py --cv prints it)

Gold files name entities, they do not give offsets: every name and alias of every gold entity (of any
type) is looked for in the document's normalised text, with quote marks allowed between its characters
(协商成果“双月回访”制度 for 协商成果双月回访制度); where found spans overlap the longest wins, so a topic
inside a longer gold name is not a mention of its own. The Topic and Mechanism spans become the tags;
everything else is O.

Training is deterministic: documents in sorted order, features in a fixed order, L-BFGS (no sampling).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError
from kg.evaluate import Report
from kg.extract import termtagger
from kg.extract.termtagger import Span

_QUOTES = "“”‘’《》「」『』\"' "
TRAIN_PARAMS: dict[str, object] = {"c1": 0.1, "c2": 0.01, "max_iterations": 200}


@dataclass
class GoldDocument:
    stem: str
    group: str
    norm: str
    spans: list[Span]
    """Topic and Mechanism mentions found in the text (the tags)."""
    gold: list[tuple[str, str, set[str]]]
    """(type, name, names) of the file's Topic and Mechanism entities (for scoring)."""
    rule_spans: list[Span] = field(default_factory=list)


def _clean(name: str) -> str:
    from kg.ingest.script import simplify

    return simplify("".join(c for c in name if c not in _QUOTES))


def _pattern(name: str) -> re.Pattern[str]:
    gap = f"[{re.escape(_QUOTES)}]*"
    return re.compile(gap.join(re.escape(c) for c in name))


def locate(norm: str, entities: Iterable[tuple[str, Iterable[str]]]) -> list[Span]:
    """Spans of every written form of the (type, names) entities in ``norm``; longest first, no overlaps."""
    found: list[Span] = []
    for type_, names in entities:
        for name in sorted({_clean(n) for n in names}):
            if len(name) < 2:
                continue
            for match in _pattern(name).finditer(norm):
                found.append(Span(match.start(), match.end(), type_))
    found.sort(key=lambda s: (-(s.end - s.start), s.start, s.type))
    taken: list[Span] = []
    for span in found:
        if not any(t.start < span.end and span.start < t.end for t in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def load_gold(folder: Path, texts: Sequence[Path] = (), select: Callable[[str], bool] = lambda stem: True, group: str | None = None) -> list[GoldDocument]:
    """The gold documents of ``folder`` whose stem ``select`` accepts (texts beside them or in ``texts``)."""
    from kg.evaluate import find_text
    from kg.ingest import read_documents

    documents: list[GoldDocument] = []
    for gold_path in sorted(Path(folder).glob("*.gold.json")):
        stem = gold_path.name[: -len(".gold.json")]
        if not select(stem):
            continue
        text_path = find_text(gold_path, texts)
        if text_path is None:
            raise ConfigError(f"{gold_path}: no text {stem}.txt beside it or in {', '.join(map(str, texts)) or 'no other folder'}")
        try:
            data = json.loads(gold_path.read_text(encoding="utf-8"))
            items = [(e["type"], [e["name"], *e.get("aliases", [])]) for e in data["entities"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{gold_path}: cannot read gold annotations: {exc}") from exc
        gold = [(t, names[0], {_clean(n) for n in names}) for t, names in items if t in ("Topic", "Mechanism")]
        for part, doc in enumerate(read_documents(text_path)):
            if not doc.norm.strip():
                continue
            spans = [s for s in locate(doc.norm, items) if s.type in ("Topic", "Mechanism")]
            documents.append(
                GoldDocument(
                    f"{stem}#{part}", group or _group_of(stem), doc.norm, spans, gold if part == 0 else [], rule_spans(doc.norm)
                )
            )
    return documents


def _group_of(stem: str) -> str:
    letters = re.match(r"[A-Za-z]*", stem)
    return letters.group() if letters and letters.group() else stem


def rule_spans(norm: str) -> list[Span]:
    """What the rules find in ``norm`` (terms and places), as the labeller's context."""
    from kg import lexicon
    from kg.extract.places import find_places
    from kg.extract.terms import find_rule_terms

    places = find_places(norm)
    place_spans = [(p.start, p.end) for p in places]
    terms = find_rule_terms(norm, lexicon.entries(()), place_spans)
    return [Span(t.start, t.end, t.type) for t in terms if t.type] + [Span(a, b, "Place") for a, b in place_spans]


def examples(doc: GoldDocument) -> list[tuple[list[str], str]]:
    """(features, label) of every candidate of ``doc``: its gold type when a gold span matches exactly, else O."""
    judge = termtagger.describe(doc.norm, doc.rule_spans)
    gold = {(s.start, s.end): s.type for s in doc.spans}
    return [(judge.features(a, b), gold.get((a, b), "O")) for a, b in judge.all_candidates()]


def train(documents: Sequence[GoldDocument], model_path: Path, params: dict[str, object] | None = None) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in documents:
        for feats, label in examples(doc):
            trainer.append([feats], [label])
    trainer.set_params(params or TRAIN_PARAMS)
    trainer.train(str(model_path))


def fingerprint(documents: Sequence[GoldDocument]) -> str:
    """A hash of what a model is trained from: the feature version, the cue table, the parameters, each text
    and its gold spans. The rules' hits (features too) are left out on purpose: a change to the rules makes
    the model a little stale, not wrong, and must not oblige whoever changes a rule to retrain."""
    digest = hashlib.sha256()
    digest.update(f"features {termtagger.FEATURE_VERSION}\n".encode())
    digest.update((termtagger.DATA_DIR / "term_cues.tsv").read_bytes())
    digest.update(json.dumps(TRAIN_PARAMS, sort_keys=True).encode())
    for doc in documents:
        digest.update(doc.stem.encode() + b"\0" + doc.norm.encode() + b"\0")
        digest.update(json.dumps([(s.start, s.end, s.type) for s in doc.spans]).encode())
    return digest.hexdigest()


def is_tuning_half(stem: str) -> bool:
    """dev2's protocol: odd-numbered files (r01, s03, …) are the tuning half; even-numbered ones are never read."""
    digits = re.search(r"(\d+)$", stem)
    return digits is not None and int(digits.group(1)) % 2 == 1


def training_set(shared: Path) -> list[GoldDocument]:
    """The gold the shipped model is trained on: the first dev sets and dev2's tuning half."""
    for folder in (shared / "gold", shared / "dev", shared / "dev2"):
        if not folder.is_dir():
            raise ConfigError(f"{folder}: not found (the training gold lives in ../shared)")
    documents = load_gold(shared / "gold", [shared / "seed"], group="seed")
    documents += load_gold(shared / "dev", group="dev")
    documents += load_gold(shared / "dev2", select=is_tuning_half)
    return documents


def write_model(documents: Sequence[GoldDocument], out: Path) -> dict[str, object]:
    """Train on ``documents`` into ``out``/term_model.crfsuite and write the stamp beside it."""
    out.mkdir(parents=True, exist_ok=True)
    model = out / termtagger.MODEL_PATH.name
    train(documents, model)
    stamp: dict[str, object] = {
        "feature_version": termtagger.FEATURE_VERSION,
        "fingerprint": fingerprint(documents),
        "documents": [d.stem for d in documents],
        "params": TRAIN_PARAMS,
        "model_sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
        "command": "python scripts/train_terms.py",
    }
    (out / termtagger.STAMP_PATH.name).write_text(json.dumps(stamp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return stamp


def _group_folders(shared: Path, work: Path) -> dict[str, tuple[Path, list[Path]]]:
    """Each training group as a folder ``kg eval`` can score: (gold folder, text folders). dev2's tuning-half
    files are linked into one folder per letter (r, s, t, u) under ``work``; no check-half file is touched."""
    folders: dict[str, tuple[Path, list[Path]]] = {"seed": (shared / "gold", [shared / "seed"]), "dev": (shared / "dev", [])}
    for gold in sorted((shared / "dev2").glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        if not is_tuning_half(stem):
            continue
        folder = work / _group_of(stem)
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in (".gold.json", ".txt", ".rel.json"):
            source = gold.with_name(stem + suffix)
            if source.is_file():
                (folder / source.name).symlink_to(source.resolve())
        folders[_group_of(stem)] = (folder, [])
    return folders


@dataclass
class Fold:
    group: str
    rules: Report
    """The held-out group scored by the whole extractor with the rules alone."""
    model: Report
    """… with a model trained on every other group."""


def cross_validate(shared: Path, params: dict[str, object] | None = None) -> list[Fold]:
    """Leave-one-group-out cross-validation over the training gold (seed, dev, dev2 tuning half by letter):
    each group is scored by ``kg eval``'s scorer through the whole extractor, once with the rules alone and once
    with a model trained on the other groups."""
    import tempfile

    import pycrfsuite

    from kg.evaluate import evaluate

    documents = training_set(shared)
    folds: list[Fold] = []
    with tempfile.TemporaryDirectory(prefix="kg-termcv-") as tmp:
        folders = _group_folders(shared, Path(tmp))
        for group, (folder, texts) in folders.items():
            model_path = Path(tmp) / f"{group}.crfsuite"
            train([d for d in documents if d.group != group], model_path, params)
            tagger = pycrfsuite.Tagger()
            tagger.open(str(model_path))
            with termtagger.using(None):
                rules = evaluate([folder], texts)
            with termtagger.using(tagger):
                model = evaluate([folder], texts)
            folds.append(Fold(group, rules, model))
    return folds


def cv_table(folds: Sequence[Fold]) -> str:
    """Per-group Topic+Mechanism F1 (rules, model) and pooled figures for the types the model touches."""
    from kg.evaluate import Counts

    def total(counts: Iterable[Counts]) -> Counts:
        result = Counts()
        for c in counts:
            result.tp, result.fp, result.fn = result.tp + c.tp, result.fp + c.fp, result.fn + c.fn
        return result

    def pooled(reports: Iterable[Report], pick: Callable[[Report], Counts]) -> Counts:
        return total(pick(r) for r in reports)

    def both(r: Report) -> Counts:
        return total((r.by_type["Topic"], r.by_type["Mechanism"]))

    lines = [f"{'group':<8}{'rules':>8}{'model':>8}   (Topic+Mechanism F1)"]
    lines.extend(f"{f.group:<8}{both(f.rules).f1:8.3f}{both(f.model).f1:8.3f}" for f in folds)
    rows: list[tuple[str, Callable[[Report], Counts]]] = [
        ("Topic", lambda r: r.by_type["Topic"]),
        ("Mechanism", lambda r: r.by_type["Mechanism"]),
        ("Topic+Mech", both),
        ("micro", lambda r: r.micro),
        ("CONSULTS_ON", lambda r: r.by_relation["CONSULTS_ON"]),
        ("ADOPTS", lambda r: r.by_relation["ADOPTS"]),
        ("relations", lambda r: r.relations),
    ]
    dev2 = [f for f in folds if f.group not in ("seed", "dev")]
    lines.append(f"{'pooled':<12}{'rules':>8}{'model':>8}{'dev2 rules':>12}{'model':>8}")
    for label, pick in rows:
        figures = [pooled((getattr(f, kind) for f in chosen), pick).f1 for chosen in (folds, dev2) for kind in ("rules", "model")]
        lines.append(f"{label:<12}{figures[0]:8.3f}{figures[1]:8.3f}{figures[2]:12.3f}{figures[3]:8.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="train_terms", description="Train the Topic/Mechanism model from the gold.")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    parser.add_argument("--out", type=Path, default=termtagger.DATA_DIR)
    parser.add_argument("--cv", action="store_true", help="print leave-one-group-out cross-validation instead of training")
    args = parser.parse_args(list(argv))
    try:
        if args.cv:
            print(cv_table(cross_validate(args.shared)))
            return 0
        documents = training_set(args.shared)
        stamp = write_model(documents, args.out)
    except ConfigError as exc:
        print(f"error: {exc}")
        return 1
    print(f"trained on {len(documents)} documents -> {args.out / termtagger.MODEL_PATH.name} ({stamp['model_sha256']})")
    return 0
