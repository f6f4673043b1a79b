"""Bytes → str for text files: UTF-8 (with or without BOM), GB18030/GBK, UTF-16/32 (with BOM, and
UTF-16 without BOM when the text has ASCII characters such as line breaks).

Detection is by strict trial decoding, not by guessing, so short texts are read as reliably as long ones:
    1. a byte-order mark decides;
    2. NUL bytes mean UTF-16 without BOM (text in UTF-8 or GB18030 never contains them); the side of each
       byte pair that holds the zeros gives the byte order;
    3. otherwise UTF-8 if the bytes are valid UTF-8 (GBK text almost never is), else the encoding the file
       declares (an HTML page's <meta charset>, e.g. Big5) if the bytes decode with it, else GB18030 (a
       superset of GBK and GB2312) or Big5 (as Microsoft's code page 950, or with the Hong Kong
       supplement). Most Big5 text also decodes as GB18030, into rare characters: when the bytes decode
       both ways, the reading whose characters are the more common in Chinese wins (jieba's character
       frequencies, each reading in simplified form; a tie goes to GB18030).
Line breaks are normalised to "\\n" (as Python's text mode does); offsets refer to the decoded text.
"""

from __future__ import annotations

import codecs
import math
from functools import cache

from kg.errors import InputError
from kg.ingest.chars import control_share

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FALLBACKS = ("gb18030", "cp950", "big5hkscs")
_MOSTLY_CONTROLS = 0.05
"""A decoded text with more control characters than this share is binary, not text in some encoding."""
_SAMPLE = 100_000
"""Characters compared when a text decodes both as GB18030 and as Big5."""


def decode(raw: bytes, source: str, declared: str | None = None) -> str:
    """Decode the bytes of file ``source``; ``declared`` is an encoding the file names (HTML meta).

    Raises InputError naming ``source`` when the bytes are not text in a supported encoding.
    """
    text, encoding = _decode(raw, source, declared)
    share, control = control_share(text)
    if control is not None and share > _MOSTLY_CONTROLS:
        line = text.count("\n", 0, control.start()) + 1
        raise InputError(
            source,
            f"decoded as {encoding} but {share:.0%} of it are control characters (the first, "
            f"U+{ord(control.group()):04X}, on line {line}): not a text file, or in an unsupported encoding",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(raw: bytes, source: str, declared: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _strict(raw[len(bom) :], encoding, source, "its byte-order mark says"), encoding
    if b"\x00" in raw:
        zeros_even = raw[0::2].count(0)
        zeros_odd = raw[1::2].count(0)
        encoding = "utf-16-le" if zeros_odd >= zeros_even else "utf-16-be"
        return _strict(raw, encoding, source, "it holds NUL bytes, which suggests"), encoding
    if _decodes(raw, "utf-8"):
        return raw.decode("utf-8"), "utf-8"
    named = _known(declared) if declared else None
    if named is not None and _decodes(raw, named):
        return raw.decode(named), named
    # no declaration, or a wrong one: try the fallbacks and say why each failed
    readings: list[tuple[str, str]] = []
    failures: list[str] = []
    for encoding in _FALLBACKS:
        try:
            readings.append((raw.decode(encoding), encoding))
        except UnicodeDecodeError as exc:
            failures.append(f"not {encoding} (byte 0x{raw[exc.start]:02X} at offset {exc.start})")
        else:
            if encoding != "gb18030":
                break  # the Big5 variants are alternatives: the first that decodes is enough
    if len(readings) > 1:
        return max(readings, key=lambda reading: _commonness(reading[0][:_SAMPLE]))
    if readings:
        return readings[0]
    utf8 = _utf8_failure(raw)
    raise InputError(
        source,
        "cannot decode: " + ", ".join([utf8, *failures]) + ", and no UTF-16/32 byte-order mark; "
        "save it as UTF-8 or GB18030",
    )


def _utf8_failure(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not utf-8 (byte 0x{raw[exc.start]:02X} at offset {exc.start})"
    return "utf-8"


def _strict(raw: bytes, encoding: str, source: str, why: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"cannot decode: {why} {encoding}, but byte offset {exc.start} is invalid there ({exc.reason})"
        ) from exc


def _commonness(text: str) -> float:
    """How common in Chinese the non-ASCII characters of ``text`` are: the mean of log10(1 + frequency)."""
    from kg.ingest.script import simplify

    frequencies = _char_frequencies()
    chars = [ch for ch in simplify(text) if ch > "\x7f"]
    return sum(math.log10(1 + frequencies.get(ch, 0)) for ch in chars) / max(1, len(chars))


@cache
def _char_frequencies() -> dict[str, int]:
    from kg.nlp import character_frequencies

    return character_frequencies()


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _known(name: str) -> str | None:
    """The codec for a declared charset name; GB2312/GBK are read as their superset GB18030."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if codec in {"gb2312", "gbk"} else codec
