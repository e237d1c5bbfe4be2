#!/bin/sh
# Renders the demo's joint briefing report (Lũng Cú post and commune, Q1
# 2024, signed by the post commander and the commune's Party secretary)
# and writes images of its first and last pages into docs/ (issue 16).
# Needs a built binary (BIN, default target/debug/bienphong), LibreOffice
# and poppler-utils.
set -eu
BIN=${BIN:-target/debug/bienphong}
OUT=${OUT:-docs}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
"$BIN" --data "$D" demo >/dev/null
BIENPHONG_NOW=2024-03-20 "$BIN" --data "$D" briefing write --unit BP-LUNGCU \
    --year 2024 --quarter 1 \
    --results "Hai bên phối hợp tuần tra chung, tuyên truyền Luật Biên phòng Việt Nam tại các thôn." \
    --signer commander@BP-LUNGCU --signer party_secretary@XA-LUNGCU >/dev/null
ID=$("$BIN" --data "$D" list briefing_report --unit BP-LUNGCU --json | head -1 |
    sed 's/.*"id":"\([^"]*\)".*/\1/')
BIENPHONG_NOW=2024-03-20 "$BIN" --data "$D" signoff sign "$ID" \
    --as commander@BP-LUNGCU --name "Nguyễn Văn A" >/dev/null
BIENPHONG_NOW=2024-03-20 "$BIN" --data "$D" signoff sign "$ID" \
    --as party_secretary@XA-LUNGCU --name "Hoàng Thị B" >/dev/null
"$BIN" --data "$D" briefing show --unit BP-LUNGCU --year 2024 --quarter 1 \
    --number 9 --date 21/03/2024 --format docx -o "$D/joint.docx"
HOME="$D" soffice --headless --convert-to pdf --outdir "$D" "$D/joint.docx" >/dev/null
PAGES=$(pdfinfo "$D/joint.pdf" | sed -n 's/^Pages: *//p')
pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$D/joint.pdf" "$OUT/joint-briefing-page1"
pdftoppm -png -r 70 -f "$PAGES" -l "$PAGES" -singlefile "$D/joint.pdf" "$OUT/joint-briefing-last-page"
echo "$OUT/joint-briefing-page1.png $OUT/joint-briefing-last-page.png ($PAGES pages)"
