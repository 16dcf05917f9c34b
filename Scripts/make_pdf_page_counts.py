#!/usr/bin/env python3
"""Writes Tests/FolioPDFTests/Fixtures/corpus-page-counts.json: the page count pypdf reads for each
PDF of the shared corpora (../shared/corpora/pdf and pdf-generated), which FolioPDF's corpus test
compares against.

    python3 -m venv /tmp/pdfvenv && /tmp/pdfvenv/bin/pip install pypdf
    /tmp/pdfvenv/bin/python Scripts/make_pdf_page_counts.py [path/to/shared]
"""
import json
import pathlib
import sys

import pypdf

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
OUTPUT = ROOT / "Tests" / "FolioPDFTests" / "Fixtures" / "corpus-page-counts.json"


def main() -> None:
    counts = {}
    for folder in ("corpora/pdf", "corpora/pdf-generated"):
        for path in sorted((SHARED / folder).glob("*.pdf")):
            counts[f"{folder}/{path.name}"] = len(pypdf.PdfReader(path).pages)
    OUTPUT.write_text(json.dumps(counts, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(len(counts), "files,", sum(counts.values()), "pages ->", OUTPUT.relative_to(ROOT))


if __name__ == "__main__":
    main()
