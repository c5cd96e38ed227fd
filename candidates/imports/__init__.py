"""The nomination upload: one import shared by the web upload and `import_nominations`.

The file is read by the shared `read_upload` (which refuses anything that is not a plain
.xlsx, formulas included). Every row is then parsed (`reading`) and judged (`judging`) against
the upload contract (`contract`), then saved (`saving`; the new rows and their history are
written by `writing`, with COPY on PostgreSQL); `template` is the blank file. Every problem is a
`Problem` naming the row number Excel shows, the column header of the upload contract and
a Vietnamese message. Eligibility comes from `eligibility.check` (the same rules as the
one-by-one form); the rules that look at other records are answered for the whole file
with a few queries instead of a few per row, then judged by the same
`eligibility.judge_records` as the form's one-row check.

Saving is all or nothing and re-judges everything inside the transaction, so what is
saved is what the rules say at that moment, not what a preview said earlier. Rows that
only carry warnings are saved with their warnings on the nomination, flagged for the
staff's review.
"""

from .contract import (
    COLUMNS,
    EXAMPLE_ROW,
    HEADERS,
    ImportResult,
    ImportRow,
    Problem,
    nomination_date,
)
from .judging import database_findings
from .reading import MAX_IMPORT_ROWS, analyse, parse_citizen_id, parse_education, parse_phone, parse_sex
from .saving import import_file, prepare_person
from .template import build_template

__all__ = [
    "COLUMNS",
    "EXAMPLE_ROW",
    "HEADERS",
    "MAX_IMPORT_ROWS",
    "ImportResult",
    "ImportRow",
    "Problem",
    "analyse",
    "build_template",
    "database_findings",
    "import_file",
    "nomination_date",
    "parse_citizen_id",
    "parse_education",
    "parse_phone",
    "parse_sex",
    "prepare_person",
]
