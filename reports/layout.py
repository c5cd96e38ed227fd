"""The union's document layout, kept in `tienlang.lib.document` (shared with the classes' exports)."""

from tienlang.lib.document import Column, Issuer, ReportSheet, ReportWorkbook, workbook_bytes

__all__ = ["Column", "Issuer", "ReportSheet", "ReportWorkbook", "workbook_bytes"]
