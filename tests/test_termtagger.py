"""The Topic/Mechanism model (kg.extract.termtagger) and its training (kg.extract.termtrain).

Sentences are made up for these tests; the shipped model's check against its training gold reads
../shared at run time and is skipped where that folder is absent.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract import extract_text, termtagger, termtrain, warm_up
from tests.conftest import SHARED

# Quoted working methods after 实行/坚持: no rule frame covers them; the model judges them mechanisms but adds
# topics only (its mechanisms lowered dev2's check half)
MODEL_MECHANISMS = [
    ("实行主席会议成员“一人包联一乡镇”。", "一人包联一乡镇"),
    ("坚持“议事在院坝、协商在身边”，让群众说了算。", "议事在院坝、协商在身边"),
]


def _topics_and_mechanisms(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.name) for e in extract_text(text).entities if e.type in ("Topic", "Mechanism")}


@pytest.mark.parametrize(("text", "name"), MODEL_MECHANISMS)
def test_model_judges_mechanisms_but_adds_topics_only(text: str, name: str) -> None:
    spans = termtrain.rule_spans(text)
    judged = {(label, termtagger.name_of(text[a:b])) for p, a, b, label in termtagger.judged(text, spans, termtagger._tagger())
              if p >= termtagger.ADD_THRESHOLD}
    assert ("Mechanism", name) in judged
    assert termtagger.additions(text, spans) == []
    assert ("Mechanism", name) not in _topics_and_mechanisms(text)


def test_unquoted_candidates_follow_an_opener_and_skip_methods_and_questions() -> None:
    text = "委员们围绕桥头菜场雨棚翻新、渡口栈桥加固开展协商。县政协坚持会前走访、会中协商、会后回访。大家围绕停车费怎么收各抒己见。"
    spans = {text[a:b] for a, b in termtagger.describe(text, ()).unquoted()}
    assert {"桥头菜场雨棚翻新", "渡口栈桥加固"} <= spans
    assert not any("会中协商" in s or "会后回访" in s for s in spans)  # a working method after 坚持
    assert not any("怎么" in s for s in spans)  # a question


def test_model_keeps_rule_hits_and_adds_nothing_over_them() -> None:
    text = "县政协围绕老旧小区改造开展协商，建立了协商成果督办机制。"
    rules = [s for s in termtrain.rule_spans(text) if s.type in termtagger.LABELS]
    assert rules
    assert termtagger.additions(text, termtrain.rule_spans(text)) == []


def test_no_model_topic_ends_in_a_place() -> None:
    # a span the model proposes that ends where a place ends names where a group went, not a subject; the
    # places stay, and so does the visit of the group's leader
    text = "县政协主席方明率调研组到白鹭镇桃园村、松溪村调研乡村振兴工作。"
    found = extract_text(text)
    topics = {e.name for e in found.entities if e.type == "Topic"}
    assert not any("桃园村" in t for t in topics), topics
    assert ("方明", "visits", "桃园村") in {(r.subject[1], r.predicate, r.object[1]) for r in found.relations}


def test_labelling_is_deterministic() -> None:
    text = "".join(t for t, _ in MODEL_MECHANISMS) * 3
    first = [(e.type, e.name, [(m.start, m.end) for m in e.mentions]) for e in extract_text(text).entities]
    second = [(e.type, e.name, [(m.start, m.end) for m in e.mentions]) for e in extract_text(text).entities]
    assert first == second


def test_model_loads_once_at_warm_up_not_at_import() -> None:
    code = "import sys, kg; print('pycrfsuite' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
    warm_up()
    assert termtagger._tagger.cache_info().currsize == 1
    tagger = termtagger._tagger()
    extract_text(MODEL_MECHANISMS[0][0])
    assert termtagger._tagger() is tagger


# A tiny made-up gold: quoted formulas after 推行 are mechanisms, quoted subjects after 最盼的是 and unquoted
# ones after 关注 are topics.
_TINY = {
    "a01": ("县政协推行“群众点题、委员议题、部门答题”，成效明显。大家最盼的是“河道垃圾清理”。居民们关注村口桥梁加固，纷纷发言。",
            [("Mechanism", "群众点题、委员议题、部门答题"), ("Topic", "河道垃圾清理"), ("Topic", "村口桥梁加固")]),
    "a03": ("镇工委推行“会前走访、会中协商、会后回访”，群众满意。大家最盼的是“公厕改造提升”。居民们关注集镇排水沟疏通，纷纷发言。",
            [("Mechanism", "会前走访、会中协商、会后回访"), ("Topic", "公厕改造提升"), ("Topic", "集镇排水沟疏通")]),
    "a05": ("社区推行“小事共商、大事共议、难事共解”，邻里和睦。大家最盼的是“楼道堆物清理”。居民们关注老街路灯维修，纷纷发言。",
            [("Mechanism", "小事共商、大事共议、难事共解"), ("Topic", "楼道堆物清理"), ("Topic", "老街路灯维修")]),
}


def _tiny_gold(folder: Path) -> Path:
    folder.mkdir()
    for stem, (text, entities) in _TINY.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        gold = {"doc": stem, "entities": [{"name": n, "type": t} for t, n in entities]}
        (folder / f"{stem}.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return folder


def test_gold_names_are_located_through_quote_marks() -> None:
    norm = "县政协推行议事成果“半年点评”制度。"
    spans = termtrain.locate(norm, [("Mechanism", ["议事成果半年点评制度"])])
    assert [(norm[s.start : s.end], s.type) for s in spans] == [("议事成果“半年点评”制度", "Mechanism")]


def test_training_on_a_tiny_gold_is_deterministic_and_learns_it(tmp_path: Path) -> None:
    documents = termtrain.load_gold(_tiny_gold(tmp_path / "gold"), select=termtrain.is_tuning_half)
    assert [d.stem for d in documents] == ["a01#0", "a03#0", "a05#0"]
    stamps = [termtrain.write_model(documents, tmp_path / name) for name in ("one", "two")]
    one = (tmp_path / "one" / termtagger.MODEL_PATH.name).read_bytes()
    assert one == (tmp_path / "two" / termtagger.MODEL_PATH.name).read_bytes()
    assert stamps[0]["fingerprint"] == stamps[1]["fingerprint"]
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp_path / "one" / termtagger.MODEL_PATH.name))
    text = "村里推行“有事先商、商后再办、办后回评”。大家最盼的是“路灯夜间照明”。居民们关注渡口栈桥翻新，纷纷发言。"
    spans = termtrain.rule_spans(text)
    judged = {(label, termtagger.name_of(text[a:b])) for p, a, b, label in termtagger.judged(text, spans, tagger) if p >= 0.5}
    assert ("Mechanism", "有事先商、商后再办、办后回评") in judged
    found = {(s.type, termtagger.name_of(text[s.start : s.end])) for s in termtagger.additions(text, spans, tagger)}
    assert found == {("Topic", "路灯夜间照明"), ("Topic", "渡口栈桥翻新")}  # judged mechanisms are not added


def test_dev2_protocol_reads_only_the_tuning_half() -> None:
    assert [s for s in ("r01", "r02", "s03", "t10", "u09") if termtrain.is_tuning_half(s)] == ["r01", "s03", "u09"]


@pytest.mark.skipif(not (SHARED / "dev2").is_dir(), reason="the training gold (../shared) is absent")
def test_shipped_model_is_current() -> None:
    """kg/data/term_model.crfsuite is what scripts/train_terms.py makes from today's gold and features."""
    stamp = termtagger.model_stamp()
    assert stamp["feature_version"] == termtagger.FEATURE_VERSION
    assert stamp["model_sha256"] == hashlib.sha256(termtagger.MODEL_PATH.read_bytes()).hexdigest()
    documents = termtrain.training_set(SHARED)
    assert stamp["fingerprint"] == termtrain.fingerprint(documents), "retrain: .venv/bin/python scripts/train_terms.py"


def test_cue_points_near_quotes_are_those_each_region_alone_gives() -> None:
    """Judge finds the cue words of the whole text once and keeps, for its opener, left and closer points,
    those inside a region around a quote: the points a search of each region alone gives (random texts of
    cue words, quotes and stops, and the sample corpus)."""
    import random

    from tests.conftest import CORPUS

    cues = termtagger._cues()
    words = sorted({word for _, (word, _) in cues.automaton.items()})
    rng = random.Random(17)
    pieces = [*rng.sample(words, min(60, len(words))), "“", "”", "《", "》", "，", "。", "、", "\n", "委员", "等", "问题"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    for text in texts:
        judge = termtagger.Judge(text, ())
        opens: dict[int, str] = {}
        closes: dict[int, str] = {}
        lefts: set[int] = set()
        for a, b in judge._regions():
            for end_index, (word, kinds) in cues.automaton.iter(text, a, b):
                start, end = end_index - len(word) + 1, end_index + 1
                if "open" in kinds:
                    opens[end] = word
                if "open" in kinds or "left" in kinds:
                    lefts.add(end)
                if "close" in kinds:
                    closes.setdefault(start, word)
        assert list(judge.opens.items()) == list(opens.items()), text
        assert judge.closes == closes, text
        assert judge.lefts == sorted(lefts | _other_lefts(judge, text)), text


def _other_lefts(judge: termtagger.Judge, text: str) -> set[int]:
    """The left points Judge takes from stops, 、 and quote marks (not from cue words)."""
    points = {0}
    points.update(at + 1 for at in judge.stops)
    points.update(at + 1 for at in judge.commas)
    points.update(i + 1 for i, c in enumerate(text) if c in "“「‘『”」’』")
    return points


def _plain_unquoted(judge: termtagger.Judge) -> list[tuple[int, int]]:
    """Judge.unquoted as it was written first: _NOT_UNQUOTED searched in every span."""
    import bisect

    text = judge.norm
    opens: list[int] = []
    closes: list[int] = []
    rule_ends: set[int] = set()
    for end_index, (word, kinds) in judge.cue_hits:
        start = end_index - len(word) + 1
        if "rule_open" in kinds:
            rule_ends.add(end_index + 1)
        elif "open" in kinds and start not in rule_ends:
            opens.append(end_index + 1)
        if "close" in kinds:
            closes.append(start)
    found: set[tuple[int, int]] = set()
    for open_end in opens:
        stop = bisect.bisect_left(judge.stops, open_end)
        limit = min(judge.stops[stop] if stop < len(judge.stops) else 1 << 30, open_end + termtagger._UNQUOTED_REACH, len(text))
        segment = text[open_end:limit]
        if segment.startswith("、") or not termtagger._QUOTE_SET.isdisjoint(segment[: termtagger.UNQUOTED_MAX]):
            continue
        commas = [i for i in range(open_end, limit) if text[i] == "、"]
        rights = sorted({*commas, *closes[bisect.bisect_right(closes, open_end) : bisect.bisect_right(closes, limit)], limit})
        for left in [open_end, *(at + 1 for at in commas)]:
            for right in rights:
                if right - left > termtagger.UNQUOTED_MAX:
                    break
                if right - left >= termtagger.UNQUOTED_MIN and not termtagger._NOT_UNQUOTED.search(text[left:right]):
                    found.add((left, right))
    return sorted(found)


def _plain_features(self: termtagger.Judge, start: int, end: int) -> list[str]:
    """Judge.features as it was written first: regex searches in the span, bigrams and dictionary tags
    sliced from the text for each candidate, bisect from the module."""
    import bisect

    from kg.extract import words

    def _next(points: list[int], at: int) -> int:
        i = bisect.bisect_left(points, at)
        return points[i] if i < len(points) else 1 << 30

    norm = self.norm
    text = norm[start:end]
    size = len(text)
    ql = 1 if start > 0 and norm[start - 1] in termtagger._QUOTE_CHARS else 0
    qr = 1 if end < len(norm) and norm[end] in termtagger._QUOTE_CHARS else 0
    before, after = start - ql, end + qr
    feats = [
        "len=" + str(min(size, 12)),
        "f1=" + text[0],
        "f2=" + text[:2],
        "e1=" + text[-1],
        "e2=" + text[-2:],
        "e3=" + text[-3:],
        "l1=" + norm[before - 1 : before] if before > 0 else "l1=",
        "l2=" + norm[max(0, before - 2) : before],
        "r1=" + norm[after : after + 1],
        "r2=" + norm[after : after + 2],
        "r3=" + norm[after : after + 3],
    ]
    if before in self.opens:
        feats.append("lw=" + self.opens[before])
    if after in self.closes:
        feats.append("rw=" + self.closes[after])
    quoted_inside = not termtagger._QUOTE_SET.isdisjoint(text)
    if not ql and not qr and not quoted_inside:
        feats.append("unq")
    if ql and qr:
        feats.append("title" if norm[start - 1] == "《" else "quoted")
    elif quoted_inside:
        feats.append("hasq")
    if termtagger._FORMULA.search(text):
        feats.append("formula")
    if termtagger._QUESTION.search(text):
        feats.append("question")
    if termtagger._DIGIT.search(text):
        feats.append("digit")
    rule = self.exact.get((start, end))
    if rule:
        feats.append("rx=" + rule)
    for type_ in sorted(set(self.cover[start:end]) - {""}):
        feats.append("rin=" + type_)
    if start > 0 and self.cover[start - 1] and self.cover[start - 1] == self.cover[start]:
        feats.append("rcutl=" + self.cover[start])
    if end < len(norm) and self.cover[end] and self.cover[end] == self.cover[end - 1]:
        feats.append("rcutr=" + self.cover[end])
    if text in self.generic:
        feats.append("generic")
    i = bisect.bisect_left(self.stops, start)
    clause_start = self.stops[i - 1] + 1 if i > 0 else 0
    clause_end = self.stops[i] if i < len(self.stops) else len(norm)
    j = bisect.bisect_right(self.open_ends, before)
    if j > 0 and self.open_ends[j - 1] > clause_start:
        feats.append("op=" + self.opens[self.open_ends[j - 1]])
    d = _next(self.deng, end)
    if d < clause_end and d - end < 30:
        feats.append("le=" + norm[d + 1 : d + 3])
    feats += ["bg=" + text[k : k + 2] for k in range(size - 1)]
    tag = words.tag
    for k in (4, 3, 2):
        if size > k and (found := tag(text[-k:])):
            feats.append("et=" + found)
            break
    for k in (4, 3, 2):
        if size > k and (found := tag(text[:k])):
            feats.append("ft=" + found)
            break
    for k in (3, 2, 1):
        if before - k >= 0 and (found := tag(norm[before - k : before])):
            feats.append("lt=" + found)
            break
    for k in (3, 2, 1):
        if found := tag(norm[after : after + k]):
            feats.append("rt=" + found)
            break
    comma = _next(self.commas, clause_start)
    if comma < clause_end and (norm[before - 1 : before] == "、" or norm[after : after + 1] == "、"):
        feats.append("item")
        lo = bisect.bisect_left(self.rule_terms, (clause_start, 0))
        for a, b in self.rule_terms[lo:]:
            if a >= clause_end:
                break
            if b <= start or a >= end:
                feats.append("sib=" + self.cover[a])
                break
    return feats


def test_candidates_and_features_are_those_the_plain_searches_give() -> None:
    """Judge finds what _NOT_UNQUOTED, _QUESTION and _FORMULA look for once per text and keeps
    bigrams and dictionary tags per place: the unquoted candidates, the flags of any span and the features
    of every candidate are those of a search in each span (random texts of cue words, quote marks,
    question words, digits, dashes and stops, and the sample corpus)."""
    import random
    import re

    from tests.conftest import CORPUS

    cues = termtagger._cues()
    cue_words = sorted({word for _, (word, _) in cues.automaton.items()})
    rng = random.Random(29)
    pieces = [*rng.sample(cue_words, min(80, len(cue_words))), "“", "”", "《", "》", "「", "」", "，", "。", "、",
              "\n", "如何", "怎么", "谁", "吗", "？", "如", "何", "1", "２０", "5", "—", "+", "＋", "等", "问题",
              "委员", "社区", "停车", "改造", "协商", "；", "：", "(", "）", "!", "‘", "』"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(700)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))][:12]
    for text in texts:
        rules = [termtagger.Span(a, min(len(text), a + rng.randint(1, 6)), rng.choice(["Topic", "Mechanism", "Place"]))
                 for a in rng.sample(range(len(text)), min(3, len(text)))]
        judge = termtagger.Judge(text, rules)
        assert judge.commas == [m.start() for m in re.finditer("、", text)]
        assert judge.deng == [m.start() for m in re.finditer("等", text)]
        assert judge.stops == [m.start() for m in termtagger._STOP.finditer(text)]
        assert judge.unquoted() == _plain_unquoted(judge), text
        for start in range(0, len(text), 1 if len(text) < 80 else 7):
            for end in range(start, min(len(text), start + 20) + 1):
                span = text[start:end]
                assert judge.has_question(start, end) == bool(termtagger._QUESTION.search(span)), span
                assert judge.has_formula(start, end) == bool(termtagger._FORMULA.search(span)), span
        spans = judge.all_candidates() + [(a, a + rng.randint(1, 12)) for a in rng.sample(range(len(text)), min(8, len(text)))]
        for start, end in spans:
            end = min(end, len(text))
            assert judge.features(start, end) == _plain_features(judge, start, end), (text, start, end)
