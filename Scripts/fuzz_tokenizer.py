#!/usr/bin/env python3
"""Differential fuzzing of `folio tokens --ids` against tiktoken itself (not run in CI).

Random texts are drawn from an adversarial alphabet (every pre-tokenizer branch: cases, marks,
apostrophes and contraction letters including U+017F, whitespace of every kind, digits of many
scripts, punctuation, CJK, emoji with ZWJ) and from uniformly random Unicode scalars of all planes.
Each batch is written to files, tokenized by one `folio` process, and compared id for id with
tiktoken 0.14.0's `encode_ordinary`. Any mismatch is printed with its text and the run fails.

    swift build -c release && python3 Scripts/fuzz_tokenizer.py --texts 200000 --seed 1
"""
import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile


import tiktoken_local

ROOT = pathlib.Path(__file__).resolve().parent.parent

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    + ["'", "'s", "'S", "'ſ", "'ll", "'LL", "'re", "'Ve", "'d", "'M", "ſ", "ǅ", "ǈ", "ǋ", "ʰ", "ª", "ᾈ"]
    + [" ", " ", " ", "  ", "\t", "\n", "\r", "\r\n", "\u000b", "\u000c", "\u0085", "\u00a0", "\u1680",
       "\u2000", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\ufeff", "\u001c"]
    + list("0123456789") + ["٣", "۴", "५", "½", "²", "Ⅻ", "①", "𝟙", "１"]
    + list(".,;:!?/\\()[]{}<>-_=+*&^%$#@~`|\"") + ["<|endoftext|>", "…", "—", "“", "”", "«", "»", "¿", "¡"]
    + ["\u0301", "\u0308", "\u0327", "\u093f", "\u094d", "\u0e31", "\u20dd", "\u0300\u0301", "\ufe0f", "\u200d"]
    + list("éßÄÖñçøåŁżΩωЖжЯяЁёאבعربيहिन्दीไทย한국어ひらがなカタカナｶﾀｶﾅ")
    + list("中国人的一是了我不在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多")
    + list("，。、：；！？（）《》【】「」『』〜・")
    + ["😀", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇺🇸", "1️⃣", "\U00010400", "\U00020000", "\U0001f9d1\u200d\U0001f4bb"]
    + ["Hello", "WORLD", "iPhone", "HTTPServer", "don't", "I'M", "café", "naïve", "ǄUNGLA", "McDonald's"]
)


def random_scalar(rng):
    while True:
        value = rng.choice([rng.randrange(0x80), rng.randrange(0x800), rng.randrange(0x10000), rng.randrange(0x110000)])
        if not 0xD800 <= value <= 0xDFFF:
            return chr(value)


def random_text(rng):
    length = rng.choice([1, 2, 3, 5, 8, 13, 21, 40, 80, 200])
    if rng.random() < 0.25:
        return "".join(random_scalar(rng) for _ in range(length))
    if rng.random() < 0.1:  # long runs without spaces reach the heap merge
        return "".join(rng.choice(ALPHABET[:52] + list("中国人的一是")) for _ in range(length * 4))
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folio", default=str(ROOT / ".build/release/folio"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    encodings = {name: tiktoken_local.encoding(args.shared, name) for name in ("cl100k_base", "o200k_base")}
    failures = 0
    done = 0
    with tempfile.TemporaryDirectory() as directory:
        while done < args.texts:
            texts = [random_text(rng) for _ in range(min(args.batch, args.texts - done))]
            paths = []
            for index, text in enumerate(texts):
                path = os.path.join(directory, f"{index}.txt")
                pathlib.Path(path).write_bytes(text.encode("utf-8"))
                paths.append(path)
            output = subprocess.run(
                [args.folio, "tokens", "--ids", "--encoding", "cl100k_base", "--encoding", "o200k_base", *paths],
                check=True, capture_output=True, text=True,
            ).stdout.splitlines()
            for line in output:
                row = json.loads(line)
                text = texts[int(os.path.basename(row["path"])[:-4])]
                expected = encodings[row["encoding"]].encode_ordinary(text)
                if row["ids"] != expected:
                    failures += 1
                    print(f"MISMATCH {row['encoding']} {text!r}\n  folio    {row['ids']}\n  tiktoken {expected}")
            done += len(texts)
            print(f"{done} texts, {failures} mismatches", file=sys.stderr, flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
