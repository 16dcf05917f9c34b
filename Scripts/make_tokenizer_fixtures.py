#!/usr/bin/env python3
"""Writes Tests/FolioTokenizerTests/Fixtures/golden.json: tiktoken's ids for tricky texts.

Each case is a text (or a character repeated `repeat` times) and the ids tiktoken 0.14.0's
`encode_ordinary` gives for cl100k_base and o200k_base, with the encodings built from the rank files
in ../shared/vocab (tiktoken cannot download them here). Long id lists are stored as a count and the
SHA-256 of the ids as little-endian uint32, like shared/corpora/reference/tiktoken_reference.jsonl.

Usage: pip install tiktoken==0.14.0 && python3 Scripts/make_tokenizer_fixtures.py [--shared ../shared]
"""
import argparse
import hashlib
import json
import pathlib
import struct

import tiktoken

import tiktoken_local

ROOT = pathlib.Path(__file__).resolve().parent.parent

CASES = [
    ("empty", ""),
    ("one space", " "),
    ("spaces", "   "),
    ("mixed whitespace", "\t\t  \n"),
    ("whitespace before a word", "a   b"),
    ("whitespace with newlines", "a \t\n b \n \n  x"),
    ("trailing spaces", "abc   "),
    ("trailing newlines", "abc\n\n\n"),
    ("trailing newline and spaces", "abc\n  "),
    ("no-break spaces", "x\u00a0\u00a0y \u00a0z"),
    ("ideographic space", "\u3000\u3000中文\u3000"),
    ("unicode line separators", "a\u2028b\u2029c\u0085d"),
    ("crlf lines", "line1\r\nline2\r\n\r\nline3"),
    ("cr and lf runs", "\r\r\n\n a\r\n  b\r"),
    ("emoji", "hello 😀 world 👍🏽!"),
    ("zwj family", "👨\u200d👩\u200d👧\u200d👦 and 🏳️\u200d🌈"),
    ("flags and keycaps", "🇺🇸🇨🇳 1️⃣ #️⃣"),
    ("chinese", "中华人民共和国成立了。他说：“你好！”（注）"),
    ("japanese", "東京タワーは、とても高いです！ｶﾀｶﾅ"),
    ("korean", "안녕하세요, 세계! 한국어 텍스트입니다."),
    ("devanagari", "नमस्ते दुनिया, यह एक परीक्षण है।"),
    ("thai", "สวัสดีครับ ภาษาไทย"),
    ("arabic", "مرحبا بالعالم ٣٤٥"),
    ("hebrew", "שלום עולם"),
    ("cyrillic", "Привет, мир! ПРИВЕТ Мир"),
    ("greek", "Καλημέρα κόσμε ΑΒΓ"),
    ("mixed scripts", "iPhone15Pro的价格是¥7999元，HelloWorld こんにちは мир"),
    ("digits", "1234567890 3.14159 $1,234,567.89 10-K 2025-02-20"),
    ("other numbers", "①②③ ½¾ ⅫⅩ ٣٤٥ ２０２５"),
    ("contractions", "I'm you're he's we've they'll I'd can't won't"),
    ("upper contractions", "I'M YOU'RE HE'S WE'VE THEY'LL I'D DON'T"),
    ("contraction edge cases", "'s 'S 'ſ 'll 'LL 'Re don'tyou O'Neil's rock 'n' roll ''s"),
    ("long s contraction", "x'ſy 한'ſ'ſ IT'ſ"),
    ("case runs", "CamelCaseWordsAndALLCAPS HTTPServer iPhone ABc ǅungla ǄUNGLA"),
    ("combining marks", "cafe\u0301 e\u0301\u0301 \u0301ABC \u0301abc Ä\u0308 na\u0308ive"),
    ("special-looking text", "<|endoftext|> <|fim_prefix|>hello<|endofprompt|>"),
    ("code", 'func main() {\n\tprint("hi") // ok\n\tif x >= 10 { return }\n}\n'),
    ("paths and urls", "path/to/file.txt a//b http://example.com/a?b=c&d=e!\n/x"),
    ("punctuation runs", "!!! ... ?!?! --- ((x)) [[y]] {{z}} '' \"\" ``"),
    ("filing line", "Item 7. Management's Discussion and Analysis of Financial Condition | 2024 | $ 1,234.5"),
    ("contract line", "Section 2.1(a) of the Agreement, U.S. Inc. shall pay $1.2 billion (the \"Fee\")."),
    ("control characters", "a\x00b\x01c\x1fd\x7fe"),
]

REPEATS = [
    ("10,000 × a", "a"),
    ("10,000 × space", " "),
    ("10,000 × newline", "\n"),
    ("10,000 × 中", "中"),
    ("10,000 × 😀", "😀"),
    ("10,000 × 1", "1"),
    ("10,000 × .", "."),
    ("10,000 × é", "é"),
    ("10,000 × e + combining acute", "e\u0301"),
    ("10,000 × crlf", "\r\n"),
]

INLINE_LIMIT = 400


def describe(ids):
    if len(ids) <= INLINE_LIMIT:
        return {"ids": ids}
    digest = hashlib.sha256(b"".join(struct.pack("<I", i) for i in ids)).hexdigest()
    return {"tokens": len(ids), "sha256": digest}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = parser.parse_args()
    encodings = {name: tiktoken_local.encoding(args.shared, name) for name in ("cl100k_base", "o200k_base")}
    cases = []
    for name, text in CASES:
        cases.append({"name": name, "text": text, **{e: describe(enc.encode_ordinary(text)) for e, enc in encodings.items()}})
    for name, unit in REPEATS:
        text = unit * 10_000
        cases.append({"name": name, "repeat": unit, "count": 10_000,
                      **{e: describe(enc.encode_ordinary(text)) for e, enc in encodings.items()}})
    # The samples that ship in Corpora/, decoded as `folio tokens` reads files.
    samples = []
    for path in sorted((ROOT / "Corpora/samples").glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        samples.append({"path": str(path.relative_to(ROOT)),
                        **{e: describe(enc.encode_ordinary(text)) for e, enc in encodings.items()}})
    out = ROOT / "Tests/FolioTokenizerTests/Fixtures/golden.json"
    out.write_text(json.dumps({"generator": f"tiktoken {tiktoken.__version__} encode_ordinary", "cases": cases,
                               "samples": samples}, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(cases)} cases written to {out}")


if __name__ == "__main__":
    main()
