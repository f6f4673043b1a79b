from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate, format_report
from kg.model import ENTITY_TYPES

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.skipif(not (SHARED / "dev").is_dir(), reason="shared dev set not present")
def test_dev_and_gold_scores() -> None:
    report = evaluate([SHARED / "gold", SHARED / "dev"])
    assert set(report.by_type) == set(ENTITY_TYPES)
    assert len(report.documents) >= 14
    assert report.micro.f1 >= 0.88
    text = format_report(report, verbose=True)
    assert "micro" in text and "== d01" in text
