#!/usr/bin/env python3
"""Writes Corpora/samples/supply-agreement.pdf from supply-agreement.txt (Python 3, standard library only).

    python3 Scripts/make_pdf_samples.py

The PDF is what a word processor would print from the text, small enough to read by eye:
- A5 pages (420 x 595 pt), 50 pt margins; the text runs over three pages.
- The title in Helvetica-Bold 18 pt, the ARTICLE lines in Helvetica-Bold 13 pt (headings by size), the
  other paragraphs in Helvetica 10 pt on a 13 pt leading, wrapped at spaces to the 320 pt measure,
  with 10 pt more between paragraphs (so every gap between paragraphs is 23 pt against a 13 pt pitch).
- The signature block keeps its two columns: each line's left and right parts on one baseline.
- Fonts carry /Widths (Helvetica's AFM widths, also used for the bold face) and WinAnsiEncoding;
  content streams are not compressed, so the file is reproducible byte for byte everywhere.
- /Info /Title is "Master Supply Agreement".

Folio reads each text paragraph back as exactly the paragraph of the text file with its whitespace
collapsed to single spaces (SampleTests checks it), with a page break block between pages.
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "Corpora" / "samples"

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 420, 595, 50
MEASURE = PAGE_WIDTH - 2 * MARGIN
BODY, LEADING, PARAGRAPH_SPACE = 10, 13, 10
TITLE, ARTICLE = 18, 13
SIGNATURE_COLUMN = 230

# Helvetica's widths (Adobe AFM) for the characters 32 ... 126, in 1/1000 em.
WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]


def width(text, size):
    return sum(WIDTHS[ord(c) - 32] for c in text) * size / 1000


def escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def wrap(text, size):
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and width(candidate, size) > MEASURE:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def layout(paragraphs):
    """Pages of (font, size, x, y, text) runs; y from the bottom as PDF counts it."""
    pages, runs = [], []
    y = PAGE_HEIGHT - MARGIN
    for index, paragraph in enumerate(paragraphs):
        lines = paragraph.split("\n")
        if index == 0:
            font, size, rows = "F2", TITLE, [[line] for line in lines]
        elif paragraph.startswith("ARTICLE "):
            font, size, rows = "F2", ARTICLE, [[line] for line in lines]
        elif len(lines) > 1:  # the signature block: two columns per line
            font, size, rows = "F1", BODY, [line.split("  ", 1) for line in lines]
            rows = [[row[0].strip(), row[1].strip()] if len(row) == 2 else [row[0].strip()] for row in rows]
        else:
            font, size, rows = "F1", BODY, [[line] for line in wrap(paragraph, BODY)]
        leading = max(LEADING, size * 1.3)
        if y - leading * len(rows) < MARGIN:
            pages.append(runs)
            runs, y = [], PAGE_HEIGHT - MARGIN
        for row in rows:
            y -= leading
            runs.append((font, size, MARGIN, y, row[0]))
            if len(row) > 1:
                runs.append((font, size, SIGNATURE_COLUMN, y, row[1]))
        y -= PARAGRAPH_SPACE
    pages.append(runs)
    return pages


def content(runs):
    out = ["BT"]
    for font, size, x, y, text in runs:
        out.append(f"/{font} {size} Tf 1 0 0 1 {x} {y:g} Tm ({escape(text)}) Tj")
    out.append("ET")
    return ("\n".join(out) + "\n").encode("latin-1")


def pdf(pages, title):
    widths = " ".join(str(w) for w in WIDTHS)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
           f"/FirstChar 32 /LastChar 126 /Widths 5 0 R >>".encode(),
        4: f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding "
           f"/FirstChar 32 /LastChar 126 /Widths 5 0 R >>".encode(),
        5: f"[{widths}]".encode(),
        6: f"<< /Title ({escape(title)}) /Producer (Folio Scripts/make_pdf_samples.py) >>".encode(),
    }
    kids = []
    for index, runs in enumerate(pages):
        page, stream = 10 + 2 * index, 11 + 2 * index
        kids.append(f"{page} 0 R")
        objects[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {stream} 0 R >>").encode()
        data = content(runs)
        objects[stream] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"endstream"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def main():
    text = (SAMPLES / "supply-agreement.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip("\n") for p in text.split("\n\n") if p.strip()]
    pages = layout(paragraphs)
    (SAMPLES / "supply-agreement.pdf").write_bytes(pdf(pages, "Master Supply Agreement"))
    print(f"supply-agreement.pdf: {len(pages)} pages")


if __name__ == "__main__":
    main()
