#!/usr/bin/env bash
# Builds the FolioPDF text layer with its object model into one optimized executable and runs the
# synthetic pages of Scripts/pdf_text_bench/main.swift (no package build, no dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
sources=Sources/FolioPDF
out=$(mktemp -d)/pdf-text-bench
# shellcheck disable=SC2046
swiftc -O -module-name FolioPDFTextBench -lm -o "$out" \
    $sources/PDFError.swift $sources/PDFLimits.swift $sources/File/PDFPage.swift \
    $sources/Objects/PDFObject.swift $sources/Objects/PDFObjectSource.swift $sources/Objects/PDFGeometry.swift \
    $(find $sources/Text -name '*.swift') Scripts/pdf_text_bench/main.swift
"$out"
