"""An engine's failure as one sentence for people: what failed (a missing column, an
unreadable file, a refused value, and where), never a Java stack trace or a query plan.

`spark_message` reads pyspark's exceptions (its error conditions, or the Java exception a
Py4JJavaError carries); `postgres_copy_message` reads the error context PostgreSQL's COPY
gives (`COPY t, line 3, column employees: "abc"`) as the file's line and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

#: Spark's error condition at the start of a message, and its SQLSTATE and plan after it
_CONDITION = re.compile(r"^\s*\[[A-Z0-9_.]+\]\s*")
_TAIL = re.compile(r"\s*(SQLSTATE: \w+|;\s*line \d+ pos \d+|;\n).*$", re.DOTALL)
#: a Java exception's class before its message (`org.apache.spark.SparkException: ...`)
_JAVA_CLASS = re.compile(r"^(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)?:\s*")
_LIMIT = 400


def _clean(message: str) -> str:
    """The first sentence a person reads: no condition tag, SQLSTATE, plan or stack."""
    text = _JAVA_CLASS.sub("", message.strip())
    text = _CONDITION.sub("", text)
    text = _TAIL.sub("", text)
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:_LIMIT].rstrip(" .")


def _by_condition(condition: str, params: dict[str, str]) -> str | None:
    """A sentence of our own for the conditions a user meets most."""
    if condition.startswith("UNRESOLVED_COLUMN") and "objectName" in params:
        return f"found no column {params['objectName']} in the table"
    if condition.startswith("TABLE_OR_VIEW_NOT_FOUND") and "relationName" in params:
        return f"found no table or view {params['relationName']}"
    if condition.startswith("PATH_NOT_FOUND") and "path" in params:
        return f"cannot read {params['path']}: no such file or directory"
    if condition.startswith("FAILED_READ_FILE") and "path" in params:
        return f"cannot read the file {params['path']}"
    return None


def _java_messages(java: Any) -> list[str]:
    """The messages of a Java exception and its causes, outermost first."""
    out: list[str] = []
    seen = 0
    while java is not None and seen < 20:
        try:
            out.append(str(java.toString()))
            java = java.getCause()
        except Exception:
            break
        seen += 1
    return out


def spark_message(exc: BaseException) -> str:
    """One sentence for a pyspark failure: a PySparkException's condition and parameters
    (`found no column x`), else the Java exception's (the first with a Spark error condition
    in its cause chain, or the deepest cause), else the first line of the message."""
    condition = getattr(exc, "getCondition", None)
    if callable(condition):
        try:
            cond = condition()
            params = exc.getMessageParameters() or {}  # type: ignore[attr-defined]
        except Exception:
            cond, params = None, {}
        said = _by_condition(str(cond), dict(params)) if cond else None
        if said:
            return said
    java = getattr(exc, "java_exception", None)
    if java is not None:
        messages = _java_messages(java)
        tagged = [m for m in messages if _CONDITION.match(_JAVA_CLASS.sub("", m))]
        pick = tagged[-1] if tagged else (messages[-1] if messages else "")
        found = re.search(r"\[[A-Z0-9_.]+\]", pick)
        file = re.search(r"reading file (\S+?)\.?(?:\s|$)", pick)
        if found and found.group(0).startswith("[FAILED_READ_FILE") and file:
            root = _clean(messages[-1]) if messages else ""
            return f"cannot read the file {file.group(1)}" + (f": {root}" if root else "")
        if pick:
            return _clean(pick)
    text = str(exc)
    if text.startswith("An error occurred while calling"):
        # py4j's own line, with the Java exception after it
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        text = rest.lstrip(": ") or text
    return _clean(text) or type(exc).__name__


_COPY_CONTEXT = re.compile(r"COPY [^,]+, line (\d+)(?:, column ([^:]+))?(?::\s*(.*))?", re.DOTALL)


def postgres_copy_message(exc: Any, path: Path) -> str:
    """'<file>:<line>: column <name>: <PostgreSQL's message>' for an error COPY raised while
    reading `path` (COPY counts the header as line 1, as the file does; a quoted cell that
    spans lines counts as one). Without COPY's context: '<file>: <message>'."""
    diag = getattr(exc, "diag", None)
    primary = (getattr(diag, "message_primary", None) or str(exc)).strip().splitlines()[0]
    context = getattr(diag, "context", None) or ""
    found = _COPY_CONTEXT.search(context)
    if not found:
        return f"{path}: {primary}"
    line, column = found.group(1), found.group(2)
    where = f"{path}:{line}: "
    return where + (f"column {column}: " if column else "") + primary
