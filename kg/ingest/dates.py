"""Dates written in the text (2021年6月2日, 2023-10-16 09:32, 2023年12月) → ISO strings.

A date with a day gives ``yyyy-mm-dd``; a month without a day gives ``yyyy-mm`` (ISO 8601 year-month).
"""

from __future__ import annotations

import datetime
import re

DATE = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*(?:年|[-/.])\s*(?P<month>\d{1,2})"
    r"(?:\s*月(?:\s*(?P<day>\d{1,2})\s*日?(?!\d))?|[-/.](?P<day2>\d{1,2})(?!\d)|(?!\d))"
)


def parse_date(text: str) -> str | None:
    """The first valid date in ``text`` as an ISO string, or None."""
    for match in DATE.finditer(text):
        iso = _iso(match)
        if iso is not None:
            return iso
    return None


def date_only(text: str) -> str | None:
    """The ISO date when ``text`` (brackets and whitespace aside) is nothing but a date."""
    stripped = text.strip().strip("（）()[]【】 \u3000")
    match = DATE.fullmatch(stripped)
    return _iso(match) if match else None


def _iso(match: re.Match[str]) -> str | None:
    year, month = int(match["year"]), int(match["month"])
    day_text = match["day"] or match["day2"]
    try:
        if day_text is None:
            datetime.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return datetime.date(year, month, int(day_text)).isoformat()
    except ValueError:
        return None
