"""Debian's Chromium driven by Playwright, the way the tests and the HTML benchmark open pages: the system
browser (never a downloaded one), headless, with the flags that keep it off the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium browser from a running ``sync_playwright()``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh` (or `make test`) to install chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
