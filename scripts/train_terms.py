"""Train the Topic/Mechanism model (kg/data/term_model.crfsuite and its stamp term_model.json).

    .venv/bin/python scripts/train_terms.py [--shared ../shared] [--out kg/data] [--cv]

Gold: SHARED/gold (texts in SHARED/seed), SHARED/dev, and the odd-numbered files of SHARED/dev2 (r01, r03,
… : the tuning half; the even-numbered files are the check half and are never read here). --cv prints
leave-one-group-out cross-validation of rules alone against rules plus the model instead of writing.
"""

from __future__ import annotations

import sys

from kg.extract.termtrain import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
