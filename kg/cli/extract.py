"""`kg extract PATH... [--format jsonl]`: what was extracted from each document, one JSON object a line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg import ingest
from kg.errors import InputError
from kg.extract import extract_document
from kg.model import Extraction, Quantity
from kg.settings import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="print the entities and relations of each document as JSON lines")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--format", choices=["jsonl"], default="jsonl", help="output format (default: jsonl)")
    p.add_argument("--lexicon", type=Path, action="append", default=[], metavar="FILE", help="extra user lexicon (repeatable)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings(user_lexicons=tuple(args.lexicon))
    found = ingest.discover(args.paths)
    for name, reason in found.skipped:
        print(f"kg extract: skipped {name}: {reason}", file=sys.stderr)
    skipped = len(found.skipped)
    for path in found.files:
        try:
            documents = ingest.read_documents(path)
        except InputError as exc:
            print(f"kg extract: skipped {exc}", file=sys.stderr)
            skipped += 1
            continue
        for doc in documents:
            print(json.dumps(to_json(extract_document(doc, settings)), ensure_ascii=False))
    return 1 if skipped else 0


def to_json(extraction: Extraction) -> dict[str, object]:
    """The JSON form of one document's extraction (the `kg extract` line format)."""
    doc = extraction.document
    sentences = extraction.sentences

    def text_of(index: int) -> str:
        s = sentences[index]
        return doc.text[s.start : s.end]

    return {
        "document": doc.source,
        "id": doc.id,
        "title": doc.title,
        "speaker": doc.speaker,
        "publication": doc.publication,
        "date": doc.date,
        "compilation": doc.compilation,
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "aliases": sorted(e.aliases - {e.name}),
                **({"attrs": dict(sorted(e.attrs.items()))} if e.attrs else {}),
                "mentions": [
                    {"text": m.text, "start": m.start, "end": m.end, "sentence": text_of(m.sentence)} for m in e.mentions
                ],
            }
            for e in extraction.entities
        ],
        "relations": [
            {
                "subject": {"type": r.subject[0], "name": r.subject[1]},
                "predicate": r.predicate,
                "object": (
                    {"quantity": r.object.value, "counted": r.object.counted, "unit": r.object.unit, "at_least": r.object.at_least}
                    if isinstance(r.object, Quantity)
                    else {"type": r.object[0], "name": r.object[1]}
                ),
                "evidence": text_of(r.sentence) if r.sentence >= 0 else None,
            }
            for r in extraction.relations
        ],
    }
