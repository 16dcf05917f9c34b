#!/usr/bin/env bash
# Rebuilds Sources/FolioIndex/Resources/default.vectors, the built-in term-vector table, from the 64 CUAD
# contracts in ../shared/corpora/contracts/txt (CC BY 4.0; see the NOTICE beside the table).
#
#     Scripts/learn_default_vectors.sh [EXTRA_DIR...]
#
# EXTRA_DIRs are learned from too (for example ../shared/corpora/financial). The shipped table leaves the
# filings out: with them, clause recall on held-out contracts fell by about 2 points at 1,024 tokens
# (BENCHMARKS.md, issue 18). Learning is deterministic: the same inputs give the same bytes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$ROOT/../shared"
[ -d "$SHARED/corpora/contracts/txt" ] || { echo "no $SHARED/corpora/contracts/txt" >&2; exit 1; }
swift build -c release --product folio --package-path "$ROOT"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
ARGS=(--learn-vectors corpora/contracts/txt)
for extra in "$@"; do ARGS+=(--learn-vectors "$(cd "$extra" && pwd)"); done
# Relative paths, so the table's summary names no directory of this machine.
(cd "$SHARED" && "$ROOT/.build/release/folio" index "${ARGS[@]}" --out "$OUT")
cp "$OUT/vectors.folio" "$ROOT/Sources/FolioIndex/Resources/default.vectors"
echo "wrote Sources/FolioIndex/Resources/default.vectors ($(wc -c < "$ROOT/Sources/FolioIndex/Resources/default.vectors") bytes)"
