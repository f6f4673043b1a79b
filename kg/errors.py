"""The project's exceptions. Every message says what went wrong, where, and how to fix it.

    KGError
     ├── InputError          -- a file or folder cannot be read or decoded (names the file)
     │    └── EmptyInputError -- nothing to build from
     ├── StageError          -- a pipeline stage failed on a document (names stage and document)
     ├── ValidationError     -- the graph does not conform to the SHACL shapes
     ├── ExportError         -- an export could not be written
     ├── QueryError          -- a SPARQL query is malformed, refused or timed out
     └── ConfigError         -- bad options or data files (lexicon, patterns)
"""

from __future__ import annotations


class KGError(Exception):
    """Root of all cppcc-kg errors; the CLI turns these into a message and a non-zero exit."""


class InputError(KGError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EmptyInputError(InputError):
    pass


class StageError(KGError):
    def __init__(self, stage: str, document: str, reason: str) -> None:
        super().__init__(f"stage {stage} failed on document {document}: {reason}")
        self.stage = stage
        self.document = document


class ValidationError(KGError):
    pass


class ExportError(KGError):
    pass


class QueryError(KGError):
    pass


class ConfigError(KGError):
    pass
