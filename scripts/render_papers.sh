#!/bin/sh
# The first page of each paper kept by tests/test_year.py (test-artifacts/papers/*.docx) as a PNG:
# LibreOffice headless to PDF, then pdftoppm at 60 dpi. Says which tool is missing instead of failing silently.
set -eu
cd "$(dirname "$0")/../test-artifacts/papers"
command -v soffice >/dev/null || { echo "soffice (LibreOffice) is not installed" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "pdftoppm (poppler-utils) is not installed" >&2; exit 2; }
for paper in *.docx; do
    soffice -env:UserInstallation=file:///tmp/render-papers-profile --headless --convert-to pdf "$paper" >/dev/null
    [ -s "${paper%.docx}.pdf" ] || { echo "LibreOffice could not convert $paper (is libreoffice-writer installed?)" >&2; exit 2; }
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile "${paper%.docx}.pdf" "${paper%.docx}"
    echo "${paper%.docx}.png"
done
