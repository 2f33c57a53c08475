"""The certificate as a PDF (fpdf2), with DejaVu Sans embedded so that every name prints."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).parent / "fonts"


def render_pdf(lines: dict, lang: str) -> bytes:
    """Return the certificate as PDF bytes.

    lines holds the texts, already translated and formatted: title, name, statement,
    organisation, period, modules (a list of (title, completed, version)), the column headings,
    code_label, code, issued and verify.
    """
    pdf = FPDF(format="A4")
    pdf.set_lang(lang)
    pdf.set_title(lines["title"])
    pdf.set_author(lines["organisation"])
    pdf.set_creator("Tryggt uppdrag")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 11, lines["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, lines["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 7, lines["statement"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    with pdf.table(col_widths=(60, 30, 20), text_align=("LEFT", "LEFT", "LEFT")) as table:
        table.row(lines["headings"])
        for row in lines["modules"]:
            table.row(row)
    pdf.ln(6)
    pdf.multi_cell(0, 7, lines["issued"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0, 9, f"{lines['code_label']} {lines['code']}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, lines["verify"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
