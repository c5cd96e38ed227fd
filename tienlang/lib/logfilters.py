"""Application logs carry no personal data.

Log lines name paths (never query strings, which may hold a searched name), users by
account name, and errors. A database error can quote the row it refused ("Key
(citizen_id)=(031…) already exists", "Failing row contains (…)"), and any message could
carry a citizen ID or a phone number: this filter, on every handler, removes them before
a line is written, from the message and from a traceback alike.
"""

from __future__ import annotations

import logging
import re

REDACTIONS = [
    # PostgreSQL's DETAIL of a unique or foreign-key violation quotes the values.
    (re.compile(r"(Key \([^)]*\)=)\(.*?\)(?= already exists| is not present| is still referenced|$)", re.M), r"\1(…)"),
    # ... and of a check or not-null violation, the whole row.
    (re.compile(r"Failing row contains \(.*\)"), "Failing row contains (…)"),
    # Citizen IDs: 12 digits standing alone.
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "[CCCD]"),
    # Vietnamese mobile and landline numbers.
    (re.compile(r"(?<![\d+])(?:\+84|0)(?:3|5|7|8|9|2\d)\d{8}(?!\d)"), "[SĐT]"),
]


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
