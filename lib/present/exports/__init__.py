"""The papers the cluster leader's board sends: the Excel summary, the minutes draft, the CSV.

Each export is a function from ``Evaluation`` (and the cluster config) to the file's bytes,
built in memory; nothing is read or written on disk::

    from lib.present.exports import minutes_docx, standings_csv, summary_xlsx

    summary_xlsx(evaluation, config)         # .xlsx, "Bảng tổng hợp kết quả chấm điểm thi đua"
    minutes_docx(evaluation, config, today)  # .docx, draft "Biên bản hội nghị trù bị"
    conference_minutes_docx(evaluation, config, today)  # .docx, draft minutes of the official session
    standings_csv(evaluation)                # .csv, UTF-8 with BOM

This package sits at the edge (its modules import openpyxl and python-docx). The wording
the three files share with the print view lives in ``lib.present.wording``.
"""

from lib.present.exports.conference_minutes_docx import conference_minutes_docx
from lib.present.exports.minutes_docx import minutes_docx
from lib.present.exports.standings_csv import standings_csv
from lib.present.exports.summary_xlsx import summary_xlsx

__all__ = ["conference_minutes_docx", "minutes_docx", "standings_csv", "summary_xlsx"]
