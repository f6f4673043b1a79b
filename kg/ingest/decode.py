"""Bytes → str for text files: UTF-8 (with or without BOM), GB18030/GBK, UTF-16/32 (with BOM, and
UTF-16 without BOM when the text has ASCII characters such as line breaks).

Detection is by strict trial decoding, not by guessing, so short texts are read as reliably as long ones:
    1. a byte-order mark decides;
    2. NUL bytes mean UTF-16 without BOM (text in UTF-8 or GB18030 never contains them); the side of each
       byte pair that holds the zeros gives the byte order;
    3. otherwise UTF-8 if the bytes are valid UTF-8 (GBK text almost never is), else the encoding the file
       declares (an HTML page's <meta charset>, e.g. Big5) if the bytes decode with it, else GB18030 (a
       superset of GBK and GB2312).
Line breaks are normalised to "\\n" (as Python's text mode does); offsets refer to the decoded text.
"""

from __future__ import annotations

import codecs
import re

from kg.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FALLBACKS = ("utf-8", "gb18030")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(raw: bytes, source: str, declared: str | None = None) -> str:
    """Decode the bytes of file ``source``; ``declared`` is an encoding the file names (HTML meta).

    Raises InputError naming ``source`` when the bytes are not text in a supported encoding.
    """
    text, encoding = _decode(raw, source, declared)
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise InputError(
            source,
            f"decoded as {encoding} but line {line} holds control character U+{ord(control.group()):04X}: "
            "not a text file, or in an unsupported encoding",
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
    failures: list[str] = []
    for encoding in _FALLBACKS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            failures.append(f"not {encoding} (byte 0x{raw[exc.start]:02X} at offset {exc.start})")
    raise InputError(
        source,
        "cannot decode: " + ", ".join(failures) + ", and no UTF-16/32 byte-order mark; "
        "save it as UTF-8 or GB18030",
    )


def _strict(raw: bytes, encoding: str, source: str, why: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            source, f"cannot decode: {why} {encoding}, but byte offset {exc.start} is invalid there ({exc.reason})"
        ) from exc


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
