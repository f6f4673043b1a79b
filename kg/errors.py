"""The project's exceptions. Every message says what went wrong, where, and how to fix it.

    KGError
     ├── InputError          -- a file or folder cannot be read or decoded (names the file)
     │    └── EmptyInputError -- nothing to build from
     ├── StageError          -- a pipeline stage failed on a document (names stage and document)
     ├── ValidationError     -- the graph does not conform to the SHACL shapes
     ├── ExportError         -- an export could not be written
     │    └── OutputError    -- the output side refused (disk full, read-only, permission, a file as --out)
     ├── QueryError          -- a SPARQL query is malformed, refused or timed out
     └── ConfigError         -- bad options or data files (lexicon, patterns)

    Stopped (a BaseException, like KeyboardInterrupt) -- SIGTERM or SIGHUP arrived; `kg` stops cleanly
"""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Root of all cppcc-kg errors; the CLI turns these into a message and a non-zero exit."""


class InputError(KGError):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # travels whole from worker processes
        return (type(self), (self.path, self.reason))


class EmptyInputError(InputError):
    pass


class StageError(KGError):
    def __init__(self, stage: str, document: str, reason: str) -> None:
        super().__init__(f"stage {stage} failed on document {document}: {reason}")
        self.stage = stage
        self.document = document
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (type(self), (self.stage, self.document, self.reason))


class ValidationError(KGError):
    pass


class ExportError(KGError):
    pass


class OutputError(ExportError):
    def __init__(self, path: Path | str, reason: str, hint: str) -> None:
        super().__init__(f"cannot write {path}: {reason}; {hint}")
        self.path = str(path)
        self.reason = reason
        self.hint = hint

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (type(self), (self.path, self.reason, self.hint))


class Stopped(BaseException):
    """Raised in the main thread by the `kg` command's handler for SIGTERM and SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class QueryError(KGError):
    pass


class ConfigError(KGError):
    pass
