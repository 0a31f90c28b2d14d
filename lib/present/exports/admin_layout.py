"""The administrative layout the year's papers share (Nghị định 30/2020/NĐ-CP), built on the minutes' helpers.

The minutes (``minutes_docx``) set the page, the fonts, paragraphs and tables; this module adds
what a paper *issued by the leader's People's Committee* has besides: the issuing body over the
number and symbol (left blank to fill), the national heading with the place and date, the
"Nơi nhận" list beside the signature block, and the "DỰ THẢO" mark in every section's header
for a draft (so that it shows on every page, however long the table).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Pt

from lib.core.config import ClusterConfig
from lib.present.exports.minutes_docx import (
    _CENTER,
    _RIGHT,
    DOTS,
    _cell_lines,
    _setup,
    heading_table,
    long_date,
    para,
    place_name,
)

DRAFT = "DỰ THẢO"
"""The word every page of a draft carries (its section headers) and the first page shows under the number."""


def new_paper(config: ClusterConfig, title: str) -> DocumentObject:
    """An empty A4 document in the minutes' page layout and fonts, titled ``title`` in its properties."""
    doc = Document()
    _setup(doc, config)
    doc.core_properties.title = title
    return doc


def issuer(config: ClusterConfig, code: str | None = None) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI``: the People's Committee of the leader (or of ``code``)."""
    return f"ỦY BAN NHÂN DÂN TỈNH {config.province(code or config.leader).name.upper()}"


def heading(doc: DocumentObject, config: ClusterConfig, symbol: str, day: dt.date, place: str,
            draft: bool, body: Sequence[str] = ()) -> None:
    """The heading block: the issuing body and ``Số: …/symbol`` left, the national title and date right.

    The issuing body is the leader's People's Committee unless ``body`` names another (its lines,
    the last one bold).
    """
    leader = config.province(config.leader).name
    lines = list(body) or ["ỦY BAN NHÂN DÂN", f"TỈNH {leader.upper()}"]
    left = [*((line, i == len(lines) - 1, False, 13) for i, line in enumerate(lines)),
            (f"Số: ……/{symbol}", False, False, 13)]
    mark = [(DRAFT, True, False, 13)] if draft else []
    heading_table(doc, left + mark, f"{place_name(place, leader)}, {long_date(day)}")


def title(doc: DocumentObject, kind: str, about: str) -> None:
    """The paper's kind (``BÁO CÁO``, ``TỜ TRÌNH``…) and what it is about, centred and bold."""
    para(doc, kind, bold=True, align=_CENTER, after=0)
    para(doc, about, bold=True, align=_CENTER)


def closing(doc: DocumentObject, recipients: Sequence[str], signer: Sequence[str]) -> None:
    """"Nơi nhận" on the left (12 and 11 pt, as the decree sets), the signature block on the right."""
    para(doc, after=0)
    table = doc.add_table(rows=1, cols=2)
    left = table.cell(0, 0)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=None, after=0)
    for i, who in enumerate(recipients):
        para(left, f"- {who}{'.' if i == len(recipients) - 1 else ';'}", size=11, align=None, after=0)
    _cell_lines(table.cell(0, 1), [*((line, i < 2, False, 13) for i, line in enumerate(signer)),
                                   ("(Ký, ghi rõ họ tên, đóng dấu)", False, True, 13), *[("", False, False, 13)] * 3,
                                   (DOTS, False, False, 13)])


def chairman_block(config: ClusterConfig, code: str | None = None) -> list[str]:
    """``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH`` over the province's name: the leader's, or ``code``'s."""
    return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", f"Tỉnh {config.province(code or config.leader).name}"]


def mark_draft(doc: DocumentObject) -> None:
    """Put ``DỰ THẢO`` in the header of every section, so that every page of a draft says so."""
    for section in doc.sections:
        section.different_first_page_header_footer = False
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.text = ""
        run = paragraph.add_run(DRAFT)
        run.bold, run.font.size = True, Pt(13)
        paragraph.alignment = _RIGHT


def finish(doc: DocumentObject, draft: bool) -> bytes:
    """The document's bytes, marked as a draft on every page when ``draft``."""
    if draft:
        mark_draft(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def cluster_name(config: ClusterConfig) -> str:
    """``Cụm thi đua …`` whether or not the config's name starts with it."""
    return config.name if config.name.lower().startswith("cụm thi đua") else f"Cụm thi đua {config.name}"
