#!/usr/bin/env bash
# Render a roster workbook to PDF and PNG pages with LibreOffice in headless mode, to look at it as a
# reader would (what prints: the dashboard, heatmaps, charts, and the first rows of the data sheets).
#
#   scripts/render_workbook.sh outputs/roster.xlsx [OUTDIR] [PAGES]
#
# OUTDIR (default: next to the workbook, <name>_pages/) receives <name>.pdf and page-N.png;
# PAGES (default 1-12) limits the PNG pages. Needs soffice (libreoffice-calc) and pdftoppm (poppler-utils).
set -euo pipefail
book=${1:?usage: render_workbook.sh WORKBOOK.xlsx [OUTDIR] [FIRST-LAST]}
name=$(basename "${book%.*}")
out=${2:-$(dirname "$book")/${name}_pages}
pages=${3:-1-12}
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice --headless -env:UserInstallation=file://"$profile" --convert-to pdf --outdir "$out" "$book" >/dev/null
pdftoppm -png -r 70 -f "${pages%-*}" -l "${pages#*-}" "$out/$name.pdf" "$out/page"
echo "$out/$name.pdf: $(pdfinfo "$out/$name.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages; PNGs in $out"
