"""Topic and Mechanism names found by a learned sequence labeller (a linear-chain CRF over characters).

    find_labelled(norm, rule_hits, place_spans) -> list[TermHit]   Topic/Mechanism spans the model finds
    sequences(norm, rule_hits, place_spans)     -> [(start, end, features per character)] to label
    model_info()                                -> the shipped model's stamp (what it was trained from)

The rules of kg.extract.terms find topics only after a fixed list of openers and mechanisms by their last
word; real reporters write topic lists after many more frames and quote slogans, questions and formulas.
The labeller reads each candidate stretch of text (a clause holding a cue: an opener, a closer, a mechanism
head, a quote, a list) character by character and tags it B-T/I-T (Topic), B-M/I-M (Mechanism) or O.
What it sees of each character (see _features): the character and its neighbours, the cue words of
kg/data/term_cues.tsv around it, whether it is inside quotes or a 《》 title, the opener heading its
clause, its place in a 、-list, and what the rules found there (a rule's Topic, Mechanism, Platform,
Event or Place). The weights come from the gold: scripts/train_terms.py (kg.extract.termtrain) writes
kg/data/term_model.crfsuite and its stamp kg/data/term_model.json.

The model is loaded once per process (on first use, or by kg.extract.warm_up before workers fork);
labelling is deterministic: the same text gives the same tags on every run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from kg.errors import ConfigError
from kg.lexicon import DATA_DIR, read_table

FEATURE_VERSION = 1
"""Bump when _features changes what it emits: the shipped model must then be retrained."""

MODEL_PATH = DATA_DIR / "term_model.crfsuite"
STAMP_PATH = DATA_DIR / "term_model.json"

LABELS = {"T": "Topic", "M": "Mechanism"}
"""Tag letter -> entity type (tags are B-T, I-T, B-M, I-M and O)."""

_QUOTE_OPEN = "“「‘『"
_QUOTE_CLOSE = "”」’』"
_TITLE_OPEN = "《"
_TITLE_CLOSE = "》"
_CLAUSE_END = frozenset("，。；：！？,;:!?\n")
_ITEM_END = frozenset("，。；：！？,;:!?\n、")
_RULE_CODES = {"Topic": "T", "Mechanism": "M", "Platform": "P", "Event": "E", "Publication": "U", "Place": "L"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


@lru_cache(maxsize=1)
def _cues() -> tuple[ahocorasick.Automaton, tuple[str, ...]]:
    """An automaton over the cue words (value: (word, kinds)) and the kinds in file order."""
    kinds: dict[str, list[str]] = {}
    order: list[str] = []
    for kind, word in read_table("term_cues.tsv", 2, 2):
        if kind not in order:
            order.append(kind)
        kinds.setdefault(word, []).append(kind)
    auto = ahocorasick.Automaton()
    for word, ks in kinds.items():
        auto.add_word(word, (word, tuple(ks)))
    auto.make_automaton()
    return auto, tuple(order)


def _bucket(n: int) -> str:
    return str(n) if n < 4 else ("4-7" if n < 8 else ("8-15" if n < 16 else "16+"))


def _doc_arrays(norm: str, rule_spans: list[Span]) -> tuple[list[str], list[list[str]], list[str]]:
    """Per character: the rule label (T-B, M-I, P-E, …, '' for none), cue tags, quote state."""
    n = len(norm)
    rule = [""] * n
    for span in sorted(rule_spans, key=lambda s: (s.end - s.start, s.start)):
        code = _RULE_CODES.get(span.type)
        if code is None:
            continue
        for i in range(span.start, span.end):
            pos = "S" if span.end - span.start == 1 else ("B" if i == span.start else ("E" if i == span.end - 1 else "I"))
            rule[i] = f"{code}-{pos}"
    cues: list[list[str]] = [[] for _ in range(n)]
    auto, _ = _cues()
    for end_index, (word, kinds) in auto.iter(norm):
        start = end_index - len(word) + 1
        for kind in kinds:
            if len(word) == 1:
                cues[start].append(f"{kind}:S")
            else:
                cues[start].append(f"{kind}:B")
                cues[end_index].append(f"{kind}:E")
                for i in range(start + 1, end_index):
                    cues[i].append(f"{kind}:I")
            if end_index + 1 < n:
                cues[end_index + 1].append(f"after:{kind}")
                if kind == "open":
                    cues[end_index + 1].append(f"after={word}")
            if start > 0:
                cues[start - 1].append(f"before:{kind}")
                if kind in ("head", "close"):
                    cues[start - 1].append(f"before={word}")
    quote = [""] * n
    state = ""
    for i, ch in enumerate(norm):
        if ch in _QUOTE_OPEN:
            state = "q" if state != "b" else "bq"
        elif ch in _TITLE_OPEN:
            state = "b"
        elif ch in _QUOTE_CLOSE:
            state = "b" if state == "bq" else ""
        elif ch in _TITLE_CLOSE or ch == "\n":
            state = ""
        else:
            quote[i] = state
    for match in _QUOTED.finditer(norm):
        inner_start, inner_end = match.span(1)
        inner = match.group(1)
        shape = [
            "ql=" + _bucket(len(inner)),
            "qa=" + norm[match.end() : match.end() + 2],
            "qb=" + norm[max(0, match.start() - 2) : match.start()],
        ]
        if _FORMULA.search(inner):
            shape.append("qf")
        if _QUESTION.search(inner):
            shape.append("qq")
        for i in range(inner_start, inner_end):
            cues[i].extend(shape)
    for match in _LIST_END.finditer(norm):
        clause_start = max(norm.rfind(c, 0, match.start()) for c in "，。；：！？\n") + 1
        tail = "le=" + match.group(1)
        for i in range(clause_start, match.start()):
            cues[i].append(tail)
    return rule, cues, quote


_QUOTED = re.compile("[“「‘『]([^“”「」‘’『』\n]{1,40})[”」’』]")
_FORMULA = re.compile("[、—+＋·]")
_QUESTION = re.compile("如何|怎样|怎么|怎幺|谁|哪|吗|？")
_LIST_END = re.compile("等(.{0,2})")


def _features(norm: str, start: int, end: int, rule: list[str], cues: list[list[str]], quote: list[str]) -> list[list[str]]:
    """The feature strings of each character of norm[start:end] (a fixed order, so output is stable)."""
    padded = "\x02\x02" + norm[start:end] + "\x03\x03"
    seqs: list[list[str]] = []
    opener = ""
    since_open = 0
    since_item = 0
    list_seen = False
    for k in range(end - start):
        i = start + k
        j = k + 2
        ch = padded[j]
        feats = [
            "c=" + ch,
            "c-1=" + padded[j - 1],
            "c+1=" + padded[j + 1],
            "c-2=" + padded[j - 2],
            "c+2=" + padded[j + 2],
            "b-=" + padded[j - 1 : j + 1],
            "b+=" + padded[j : j + 2],
            "t=" + padded[j - 1 : j + 2],
            "r=" + rule[i],
            "r-1=" + (rule[i - 1] if i > 0 else ""),
            "r+1=" + (rule[i + 1] if i + 1 < len(rule) else ""),
            "q=" + quote[i],
            "op=" + opener,
            "opd=" + _bucket(since_open),
            "it=" + _bucket(since_item),
        ]
        if list_seen:
            feats.append("list")
        feats.extend("k:" + c for c in cues[i])
        seqs.append(feats)
        for cue in cues[i]:
            if cue.startswith("open:") and (cue.endswith(":E") or cue.endswith(":S")):
                opener = "open"
                since_open = -1
        since_open += 1
        since_item += 1
        if ch in _CLAUSE_END:
            opener = ""
            list_seen = False
            since_item = 0
        elif ch in _ITEM_END or ch in _QUOTE_OPEN or ch in _QUOTE_CLOSE or ch in "《》":
            since_item = 0
            if ch == "、":
                list_seen = True
    return seqs


def sequences(norm: str, rule_spans: list[Span]) -> list[tuple[int, int, list[list[str]]]]:
    """The stretches of ``norm`` to label, each with its characters' features.

    A stretch is a sentence (split at 。！？；, line breaks); every sentence is labelled.
    """
    rule, cues, quote = _doc_arrays(norm, rule_spans)
    result = []
    start = 0
    for match in re.finditer(r"[。！？；!?;]+[”’」』）)]*|\n+", norm):
        end = match.end()
        if end > start and norm[start:end].strip():
            result.append((start, end, _features(norm, start, end, rule, cues, quote)))
        start = end
    if start < len(norm) and norm[start:].strip():
        result.append((start, len(norm), _features(norm, start, len(norm), rule, cues, quote)))
    return result


def decode(norm: str, start: int, tags: list[str]) -> list[Span]:
    """Spans from B-/I- tags of norm[start:start+len(tags)]; quote marks at either edge are dropped."""
    spans: list[Span] = []
    current: tuple[int, str] | None = None
    for k, tag in enumerate([*tags, "O"]):
        kind = tag[2:] if len(tag) > 2 else ""
        if current is not None and (tag == "O" or tag.startswith("B-") or kind != current[1]):
            spans.append(_trimmed(norm, current[0], start + k, LABELS[current[1]]))
            current = None
        if tag.startswith("B-") or (tag.startswith("I-") and current is None):
            current = (start + k, kind)
    return [s for s in spans if s.end - s.start >= 2]


def _trimmed(norm: str, a: int, b: int, type_: str) -> Span:
    quotes = _QUOTE_OPEN + _QUOTE_CLOSE + _TITLE_OPEN + _TITLE_CLOSE
    while a < b and norm[a] in quotes:
        a += 1
    while b > a and norm[b - 1] in quotes:
        b -= 1
    return Span(a, b, type_)


@lru_cache(maxsize=1)
def _tagger() -> object | None:
    """The shipped model (None when the file is absent: the rules then work alone)."""
    import pycrfsuite

    if not MODEL_PATH.is_file():
        return None
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(str(MODEL_PATH))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{MODEL_PATH}: cannot load the Topic/Mechanism model: {exc}") from exc
    return tagger


def model_info(path: Path = STAMP_PATH) -> dict[str, object]:
    try:
        info: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the Topic/Mechanism model's stamp: {exc}") from exc
    return info


def label(norm: str, rule_spans: list[Span], tagger: object | None = None) -> list[Span]:
    """Topic and Mechanism spans the model tags in ``norm`` (none without a model)."""
    tagger = tagger if tagger is not None else _tagger()
    if tagger is None:
        return []
    spans: list[Span] = []
    for start, _end, feats in sequences(norm, rule_spans):
        spans.extend(decode(norm, start, tagger.tag(feats)))  # type: ignore[attr-defined]
    return spans
