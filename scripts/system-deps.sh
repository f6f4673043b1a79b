#!/usr/bin/env bash
# Debian packages the tests and benchmarks need (a fresh CI machine has none of them).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# npm installs the front-end libraries of package.json (make's node_modules target)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# mypyc's C compiler and Python's headers (`make install` compiles the extractor: scripts/compile_extractor.py)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || need+=(python3-dev)
# the HTML network's Chinese labels (tests/test_html.py screenshots): a CJK font, even where chromium exists
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-noto-cjk >/dev/null
fi
