from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import ConfigError
from kg.evaluate import (
    COARSE_RELATIONS,
    RELATION_TYPES,
    Counts,
    DocumentResult,
    _compare_relations,
    coarse_type,
    evaluate,
    find_text,
    format_report,
)
from kg.model import ENTITY_TYPES, Document, Entity, Extraction, Mention, Quantity, Relation

SHARED = Path(__file__).resolve().parents[2] / "shared"
HELDOUT = Path(__file__).resolve().parent / "heldout"


@pytest.mark.skipif(not (SHARED / "dev").is_dir(), reason="shared dev set not present")
def test_dev_and_gold_scores() -> None:
    report = evaluate([SHARED / "gold", SHARED / "dev"], [SHARED / "seed"])
    assert set(report.by_type) == set(ENTITY_TYPES)
    assert len(report.documents) >= 15
    assert report.missing == []
    assert report.micro.f1 >= 0.90
    assert min(c.f1 for c in report.by_type.values()) >= 0.75
    text = format_report(report, verbose=True)
    assert "micro" in text and "== d01" in text and "== 000_" in text


@pytest.mark.skipif(not (SHARED / "dev2").is_dir(), reason="shared dev2 set not present")
def test_dev2_relations_scored() -> None:
    """Every dev2 text has relation gold; the relation figure (both halves, as a whole) must not fall."""
    report = evaluate([SHARED / "dev2"])
    assert report.relation_documents == len(report.documents) == 34
    assert report.relations.f1 >= 0.79 and report.relations.precision >= 0.88


def test_heldout_scores() -> None:
    """Texts written for this project (Sichuan places not in the dev set), never tuned on one string."""
    report = evaluate([HELDOUT])
    assert len(report.documents) >= 6 and report.missing == []
    assert report.micro.f1 >= 0.85


def _gold(folder: Path, stem: str, entities: list[dict[str, object]]) -> Path:
    path = folder / f"{stem}.gold.json"
    path.write_text(json.dumps({"doc": stem, "entities": entities}, ensure_ascii=False), encoding="utf-8")
    return path


def test_text_found_beside_gold_then_in_text_folders(tmp_path: Path) -> None:
    gold_dir, texts_a, texts_b = tmp_path / "gold", tmp_path / "a", tmp_path / "b"
    for d in (gold_dir, texts_a, texts_b):
        d.mkdir()
    gold = _gold(gold_dir, "x", [])
    (texts_b / "x.txt").write_text("成都市政协召开会议。", encoding="utf-8")
    assert find_text(gold, [texts_a, texts_b]) == texts_b / "x.txt"
    (gold_dir / "x.txt").write_text("成都市政协召开会议。", encoding="utf-8")
    assert find_text(gold, [texts_a, texts_b]) == gold_dir / "x.txt"


def test_gold_without_text_is_reported_not_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_dir, texts = tmp_path / "gold", tmp_path / "texts"
    gold_dir.mkdir()
    texts.mkdir()
    _gold(gold_dir, "lost", [{"name": "成都市政协", "type": "CPPCCBody"}])
    _gold(gold_dir, "kept", [{"name": "成都市政协", "type": "CPPCCBody", "aliases": ["市政协"]}])
    (texts / "kept.txt").write_text("成都市政协召开常委会议。", encoding="utf-8")
    report = evaluate([gold_dir], [texts])
    assert [p.name for p in report.missing] == ["lost.gold.json"]
    assert [d.doc for d in report.documents] == ["kept"]
    assert report.by_type["CPPCCBody"].tp == 1
    assert "gold files without a text: 1" in format_report(report)
    assert main(["eval", str(gold_dir), "--texts", str(texts)]) == 0
    captured = capsys.readouterr()
    assert "lost.gold.json" in captured.err and "warning" in captured.err
    assert "gold files without a text: 1" in captured.out


def test_missing_text_folder_is_an_error(tmp_path: Path) -> None:
    assert main(["eval", str(tmp_path), "--texts", str(tmp_path / "nope")]) == 2


# --------------------------------------------------------------------------------------------------
# Relations (X.rel.json beside X.gold.json), on made-up texts and gold files


def _rel(folder: Path, stem: str, relations: list[tuple[str, str, str]]) -> None:
    items = [{"s": s, "r": r, "o": o, "evidence": ""} for s, r, o in relations]
    (folder / f"{stem}.rel.json").write_text(json.dumps({"doc": stem, "relations": items}, ensure_ascii=False), encoding="utf-8")


_ENTITIES: list[dict[str, object]] = [
    {"name": "东坡区", "type": "Place"},
    {"name": "东坡区政协", "type": "CPPCCBody"},
    {"name": "林远山", "type": "Person"},
    {"name": "东坡区政协主席", "type": "Position"},
    {"name": "有事好商量", "type": "Platform"},
    {"name": "老旧小区改造", "type": "Topic"},
    {"name": "议事清单制度", "type": "Mechanism"},
]


def _fixed_extraction(monkeypatch: pytest.MonkeyPatch, entities: list[Entity], relations: list[Relation]) -> None:
    """Make extraction return these entities and relations for any document (the scorer alone is tested)."""
    import kg.extract

    def extract_document(doc: Document, settings: object = None) -> Extraction:
        return Extraction(doc, [], entities, relations)

    monkeypatch.setattr(kg.extract, "extract_document", extract_document)


def test_relations_scored_in_coarse_types_either_direction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("东坡区政协主席林远山出席会议。", encoding="utf-8")
    _gold(tmp_path, "a", _ENTITIES)
    _rel(tmp_path, "a", [
        ("林远山", "HOLDS", "东坡区政协主席"),
        ("林远山", "HOLDS", "东坡区政协主席"),  # stated twice, listed twice: counts once
        ("东坡区", "LOCATED_IN", "东坡区政协"),  # written backwards: either direction matches
        ("东坡区政协", "RUNS", "有事好商量"),
        ("有事好商量", "CONSULTS_ON", "老旧小区改造"),
        ("东坡区政协", "ADOPTS", "议事清单制度"),
    ])
    mention = [Mention(0, 1, "x", 0)]
    entities = [Entity(str(e["type"]), str(e["name"]), mentions=mention) for e in _ENTITIES if e["name"] != "议事清单制度"]
    entities.append(Entity("CPPCCBody", "区政协", {"东坡区政协"}, mention))  # a second name of a gold entity
    entities.append(Entity("Place", "眉山市", mentions=mention))  # no gold entity
    key = {e.name: e.key for e in entities}
    relations = [
        Relation(key["林远山"], "holdsPosition", key["东坡区政协主席"], 0),
        Relation(key["东坡区政协"], "locatedIn", key["东坡区"], 0),
        Relation(key["区政协"], "runsPlatform", key["有事好商量"], 0),  # through the duplicate
        Relation(key["东坡区政协"], "consultsOn", key["老旧小区改造"], 0),  # the gold has the platform
        Relation(key["东坡区"], "within", key["眉山市"], -1),  # an end outside the gold: not scored
        Relation(key["东坡区政协"], "hasQuantity", Quantity(3, "委员"), 0),
        Relation(key["东坡区政协主席"], "positionIn", key["东坡区政协"], 0),  # no coarse type
    ]
    _fixed_extraction(monkeypatch, entities, relations)
    report = evaluate([tmp_path])
    assert report.relation_documents == 1 and report.unscored == 1
    counts = {t: (c.tp, c.fp, c.fn) for t, c in report.by_relation.items() if c.tp + c.fp + c.fn}
    assert counts == {
        "HOLDS": (1, 0, 0), "LOCATED_IN": (1, 0, 0), "RUNS": (1, 0, 0), "CONSULTS_ON": (0, 1, 1), "ADOPTS": (0, 0, 1),
    }
    assert (report.relations.tp, report.relations.fp, report.relations.fn) == (3, 1, 2)
    assert main(["eval", str(tmp_path), "-v"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # the before-stop hook greps these two lines (and only these start with the words)
    assert [line.split()[0] for line in lines if line.lower().startswith(("micro", "relation", "all"))] == ["micro", "relations"]
    relations_line = next(line for line in lines if line.startswith("relations"))
    assert relations_line.split()[1:] == ["0.750", "0.600", "0.667", "5", "4"]
    assert "miss  ADOPTS        东坡区政协 -> 议事清单制度  (entity missed: 议事清单制度)" in out
    assert "miss  CONSULTS_ON   有事好商量 -> 老旧小区改造\n" in out
    assert "false CONSULTS_ON   东坡区政协 -> 老旧小区改造" in out
    assert "(not scored): 1" in out


def test_no_relation_table_without_relation_gold(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("东坡区政协主席林远山出席会议。", encoding="utf-8")
    _gold(tmp_path, "a", _ENTITIES[:4])
    report = evaluate([tmp_path])
    assert report.relation_documents == 0
    assert "relations" not in format_report(report)


def test_relation_naming_no_gold_entity_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("东坡区政协主席林远山出席会议。", encoding="utf-8")
    _gold(tmp_path, "a", _ENTITIES[:4])
    _rel(tmp_path, "a", [("林远山", "HOLDS", "区长")])
    with pytest.raises(ConfigError, match=r"a\.rel\.json: relation 1: o '区长'"):
        evaluate([tmp_path])
    _rel(tmp_path, "a", [("林远山", "LEADS", "东坡区政协主席")])
    assert main(["eval", str(tmp_path)]) == 2


def _entity(type_: str, name: str) -> tuple[str, str, set[str]]:
    return (type_, name, {name})


def test_unlisted_part_of_between_gold_places_is_not_wrong_and_unmatched_ends_are_unscored() -> None:
    gold = [_entity("Place", "四川省"), _entity("Place", "眉山市"), _entity("Place", "东坡区"), _entity("CPPCCBody", "东坡区政协"),
            _entity("CPPCCBody", "东坡区政协文史委")]
    gold_relations = [("PART_OF", "东坡区", "眉山市"), ("PART_OF", "东坡区政协文史委", "东坡区政协")]
    matched = {(t, n): number for number, (t, n, _) in enumerate(gold)}
    predicted = [
        (Relation(("Place", "东坡区"), "within", ("Place", "眉山市"), -1), "Place"),
        (Relation(("Place", "眉山市"), "within", ("Place", "四川省"), -1), "Place"),  # not in the gold: excused
        (Relation(("CPPCCBody", "东坡区政协"), "subOrganOf", ("Place", "眉山市"), 0), "Place"),  # not places: wrong
        (Relation(("CPPCCBody", "东坡区政协"), "locatedIn", ("Place", "岷江新区"), 0), "Place"),  # no such gold entity
        (Relation(("CPPCCBody", "东坡区政协"), "accompanies", ("Place", "东坡区"), 0), "Place"),  # no coarse type
    ]
    by_relation = {t: Counts() for t in RELATION_TYPES}
    result = DocumentResult("x")
    unscored = _compare_relations(result, gold, gold_relations, matched, predicted, by_relation)
    assert unscored == 1
    assert (by_relation["PART_OF"].tp, by_relation["PART_OF"].fp, by_relation["PART_OF"].fn) == (1, 1, 1)
    assert result.relation_misses == [("PART_OF", "东坡区政协文史委", "东坡区政协")]
    assert result.relation_false_hits == [("PART_OF", "东坡区政协", "眉山市")]


def test_every_mapped_predicate_is_an_ontology_property_with_a_gold_type() -> None:
    from kg.vocab import CPPCC

    for predicate, by_object in COARSE_RELATIONS.items():
        CPPCC[predicate]  # a misspelt predicate raises here
        assert set(by_object.values()) <= set(RELATION_TYPES) and "*" in by_object
    assert coarse_type("leads", "Place") == "VISITS" and coarse_type("leads", "Event") == "PARTICIPATES"
    assert coarse_type("hasQuantity", "") is None
