"""The fast paths of kg.extract.relations and kg.extract.quantities give what the plain ones give.

Relations: a context-free pattern is searched once over a document's joined skeletons, only on sentences
with mentions of the types it needs; here every pattern is also run sentence by sentence on every
skeleton and the relations must be the same. Counts: the count pattern is tried only where a count can
start; here it is compared with ``finditer``.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from pathlib import Path

import pytest

from kg.extract import quantities, relations, warm_up
from kg.extract.relations import matching, subjects, tables
from kg.extract.relations import skeleton as sk
from kg.model import Document, Entity, Mention, Relation

from .conftest import SHARED

DEV = SHARED / "dev"

EXPRESSIONS = [("a(?=b)", False), ("^a", False), ("a\\b", False), ("(?>ab)", False), ("a++", False),
               ("(?:x|(?<!y)z)", False), ("ab{1,3}?(?P<S>c)", True), ("(a)(?(1)b|c)", True)]


@pytest.mark.parametrize(("expression", "free"), EXPRESSIONS)
def test_context_free_expressions(expression: str, free: bool) -> None:
    assert tables._context_free(tables._regex_parser().parse(expression)) is free


def test_a_pattern_is_context_free_as_its_bare_source_is() -> None:
    """patterns() decides context-freedom on the source with each macro an atom (tables._bare): the same as
    on the expanded expression, for every pattern of the data file and for expansions of every type."""
    parse = tables._regex_parser().parse
    every = frozenset(sk.ENTITY_TYPES)
    for expansion in (tables._subject_group(every), tables._object_group(every), tables._GAP, tables._LONG_GAP):
        assert tables._context_free(parse(expansion))
    sources = [cols[3] for _, cols in tables._data_lines(tables.PATTERNS_FILE)]
    found = tables.patterns()
    assert len(sources) == len(found) and any(not p.context_free for p in found)
    for source, pattern in zip(sources, found, strict=True):
        assert tables._context_free(parse(pattern.regex.pattern)) is pattern.context_free, source
        assert tables._context_free(parse(tables._bare(source))) is pattern.context_free, source


def _sentence_by_sentence(skeletons: list[sk.Skeleton], context: subjects.Context) -> list[Relation]:
    found: list[Relation] = []
    for pattern in tables.patterns():
        for skeleton in skeletons:
            for match in matching._overlapping(pattern.regex, skeleton.text):
                matching._add_match(found, pattern, skeleton, match, 0, context)
    return found


@pytest.mark.skipif(not DEV.exists(), reason="shared dev texts not available")
@pytest.mark.parametrize("path", sorted(DEV.glob("*.txt")), ids=lambda p: p.stem)
def test_joined_search_equals_sentence_search(path: Path) -> None:
    from kg.extract import extract_document
    from kg.ingest import read_documents

    for doc in read_documents(path):
        extraction = extract_document(doc)
        entities, sentences = extraction.entities, extraction.sentences
        spans = sk.top_level_spans(entities)
        starts = [s.start for s in spans]
        kept = sk.Kept(doc.norm)
        skeletons = [
            sk.make_skeleton(kept, s, spans[bisect_left(starts, s.start) : bisect_left(starts, s.end)])
            for s in sentences
        ]
        context = subjects.find_context(doc, entities, skeletons)
        fast = matching.from_patterns(skeletons, context, {e.type for e in entities})
        assert fast == _sentence_by_sentence(skeletons, context)
        for skeleton in skeletons:
            offsets = skeleton.offsets
            assert len(offsets) == len(skeleton.text) and offsets == sorted(set(offsets))


def test_count_matches_equal_finditer() -> None:
    rng = random.Random(1)
    alphabet = "近约一二两十百千万亿0123456789０.．余多个次名人以上场的在，"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    texts += ["参与人数1900余人次，协商议事点760余个", "近3年开展“小微协商”140余次", "每人每年1个"]
    for text in texts:
        expected = [(m.span(), m.groupdict()) for m in quantities._count_pattern().finditer(text)]
        assert [(m.span(), m.groupdict()) for m in quantities._count_matches(text)] == expected, text
        assert quantities.may_count(text) is bool(expected)


def test_private_use_characters_are_no_mentions() -> None:
    text = "市政协\ue001搭建\ue000“有事来协商”平台。"
    doc = Document(id="t", source="t", text=text, norm=text)
    from kg.nlp import split_sentences

    body = Entity("CPPCCBody", "市政协", {"市政协"}, [Mention(0, 3, "市政协", 0)])
    platform = Entity("Platform", "有事来协商", {"有事来协商"}, [Mention(7, 14, "“有事来协商”", 0)])
    found = relations.find_relations(doc, split_sentences(text), [body, platform])
    assert [(r.subject, r.predicate, r.object) for r in found] == [(body.key, "runsPlatform", platform.key)]


def test_warm_up_loads_every_table() -> None:
    import importlib

    from kg import extract

    warm_up()
    for name in extract._LAZY_MODULES:
        for load in extract._table_loaders(importlib.import_module(name)):
            assert load.cache_info().currsize == 1, f"{name}.{load.__name__}"  # type: ignore[attr-defined]
