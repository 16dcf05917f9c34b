#!/usr/bin/env python3
"""Folio's extraction against lxml, python-docx and zlib: same inputs, same run, single thread.

    pip install -r Benchmarks/peers/requirements.txt
    swift build -c release
    python3 Benchmarks/peers/ingest.py [--shared ../shared] [--rounds 5] [--json results.json]

Sections (all by default; pick some with --only html,docx,gzip,memory,fidelity):

* html: each filing in shared/corpora/financial/*.htm*, in memory. lxml 6.1.3 "extract" is the parse
  plus the text walk that wrote shared/corpora/reference/lxml-text (see that folder's README; the
  script checks that it reproduces those files byte for byte), "parse" is the same parse alone
  (`etree.fromstring` with the same HTMLParser), and Folio is `folio bench extract` (in process:
  detection, prescan, libxml2's push parser, normalization, the assembled Document). MB = 10^6 bytes
  of HTML. A generated filing (Corpora/generate.py) is reported beside them, outside the aggregate.
* docx: each shared/corpora/docx/*.docx and a large generated DOCX (written here from
  Corpora/generate.py's prose, --docx-bytes of word/document.xml). python-docx is
  `docx.Document(path)` plus the texts of its paragraphs and table cells. MB = 10^6 bytes of
  inflated word/document.xml (sizes from zipfile).
* gzip: gzip/hongloumeng+xiyouji.txt.gz and a generated text of --gzip-bytes, gzipped. Folio in
  process (`folio bench extract`) and as a process (`folio extract F > /dev/null`), against zlib's
  inflate alone: Python `zlib.decompressobj(16 + 15)` over the compressed bytes in 1 MiB chunks, and
  `gzip -dc F > /dev/null`. MB = 10^6 bytes of inflated output. Folio's gzip stage alone
  (`folio bench gunzip`: the same streaming inflate extraction uses, limits and checksum included) is
  compared with zlib; Folio on the same text uncompressed shows what reading the text costs on its own
  (Folio inflates on a thread of its own while it parses, so the .gz can cost no more than the plain
  text). Folio's output must be the inflated bytes exactly (plain text is extracted verbatim).
* memory: peak RSS (`/usr/bin/time -f %M`) of `folio extract F > /dev/null` for the largest filing,
  minus that of a tiny HTML file (lxml's extraction of the filing in Python beside it), for a few
  other inputs, for a highly compressible gzip file (the annual-report sample 50,000 times, about
  170:1), and for generated 1 GB gzipped HTML and text (--big-bytes), with wall time. The text's
  output is checked to be the inflated input byte for byte, the HTML's to hold no markup and none of
  the hidden header's context dates.
* fidelity: word-multiset recall and precision (word = `re.findall(r"[^\\W_]+", text)`) of
  `folio extract` against the lxml reference text of each filing, and of the DOCX/ODT contracts
  against their source text in contracts/txt; python-docx's figures beside them.

Timed tools run round-robin for --rounds rounds, so that machine noise hits them alike, and each
figure is the best round; in a round each tool gets --repeat timed runs per file (Folio's bench
adds one untimed warm-up run). Generated inputs are written once to --work and reused (they are
deterministic); they are never part of the repository.
"""
import argparse
import collections
import glob
import hashlib
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Corpora"))
import generate  # noqa: E402

try:
    import docx
    from lxml import etree
except ImportError as error:
    sys.exit(f"{error}: run `pip install -r Benchmarks/peers/requirements.txt` first")

MB = 1e6

# ---------------------------------------------------------------------------------------------
# Peers

# The reference extraction of shared/corpora/reference/README.md.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "title", "tr", "ul",
}
CELL_TAGS = {"td", "th"}
DROPPED_TAGS = {"head", "script", "style", "ix:header"}
WHITESPACE = re.compile(r"[\s\u00a0]+")
LINE, CELL = object(), object()


def html_parser():
    return etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def lxml_parse(data):
    """lxml's parse alone, as the extraction does it."""
    return etree.fromstring(data, html_parser())


def lxml_extract(data):
    """lxml's parse and the reference text walk: the body's text, one line per block, cells by TAB."""
    root = etree.fromstring(data, html_parser())
    body = root.find("body")
    pieces = []

    def walk(element):
        tag = element.tag.lower()
        if tag in DROPPED_TAGS:
            return
        style = element.get("style")
        if style and "display:none" in style.replace(" ", "").lower():
            return
        block = tag in BLOCK_TAGS
        if block:
            pieces.append(LINE)
        if tag in CELL_TAGS:
            pieces.append(CELL)
        if element.text:
            pieces.append(WHITESPACE.sub(" ", element.text))
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                pieces.append(WHITESPACE.sub(" ", child.tail))
        if tag in CELL_TAGS:
            pieces.append(CELL)
        if block:
            pieces.append(LINE)

    if body is not None:
        walk(body)
    lines, cells, fragment = [], [], []

    def end_cell():
        text = "".join(fragment).strip()
        if text:
            cells.append(text)
        fragment.clear()

    def end_line():
        end_cell()
        if cells:
            lines.append("\t".join(cells))
        cells.clear()

    for piece in pieces:
        if piece is LINE:
            end_line()
        elif piece is CELL:
            end_cell()
        else:
            fragment.append(piece)
    end_line()
    return "\n".join(lines) + "\n"


def python_docx_text(path):
    document = docx.Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def inflate(data):
    """zlib's inflate alone: the gzip stream in 1 MiB chunks, output counted and dropped."""
    inflater = zlib.decompressobj(16 + 15)
    size = 0
    for start in range(0, len(data), 1 << 20):
        size += len(inflater.decompress(data[start:start + (1 << 20)]))
    size += len(inflater.flush())
    return size


def best_seconds(function, argument, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(argument)
        best = min(best, time.perf_counter() - start)
    return best


def process_seconds(command, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    completed = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed ({completed.returncode}): {completed.stderr.decode(errors='replace')}")
    return elapsed


# ---------------------------------------------------------------------------------------------
# Folio

def peak_of(command, stdout=subprocess.DEVNULL):
    """(peak RSS in bytes, wall seconds) of a command, from /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as report:
        completed = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M %e", *command], stdout=stdout, stderr=subprocess.PIPE)
        if completed.returncode != 0:
            sys.exit(f"`{' '.join(command)}` failed ({completed.returncode}): {completed.stderr.decode(errors='replace')}")
        kilobytes, seconds = report.read().split()[-2:]
    return int(kilobytes) * 1024, float(seconds)


class Folio:
    def __init__(self, binary):
        self.binary = binary

    def bench(self, paths, repeat):
        """Best seconds per path of `folio bench extract` (one process, one warm-up run per file)."""
        completed = subprocess.run(
            [self.binary, "bench", "extract", "--repeat", str(repeat), *paths], capture_output=True, text=True)
        if completed.returncode != 0:
            sys.exit(f"folio bench extract failed ({completed.returncode}): {completed.stderr}")
        rows = {}
        for line in completed.stdout.splitlines():
            row = json.loads(line)
            rows[row["path"]] = row
            row["seconds"] = row["bytes"] / (row["best_mb_per_s"] * MB)
        return rows

    def gunzip(self, path, repeat):
        """Best seconds of `folio bench gunzip` on one file: the gzip stage alone, in process."""
        completed = subprocess.run(
            [self.binary, "bench", "gunzip", "--repeat", str(repeat), path], capture_output=True, text=True)
        if completed.returncode != 0:
            sys.exit(f"folio bench gunzip failed ({completed.returncode}): {completed.stderr}")
        row = json.loads(completed.stdout.splitlines()[0])
        return row["inflated_bytes"] / (row["best_mb_per_s"] * MB)

    def extract(self, path):
        completed = subprocess.run([self.binary, "extract", path], capture_output=True)
        if completed.returncode != 0:
            sys.exit(f"folio extract {path} failed ({completed.returncode}): {completed.stderr.decode(errors='replace')}")
        return completed.stdout.decode("utf-8")

    def peak(self, path):
        """(peak RSS in bytes, wall seconds) of `folio extract path > /dev/null`."""
        return peak_of([self.binary, "extract", path])


# ---------------------------------------------------------------------------------------------
# Generated inputs

def generated(work, kind, size, seed=1, gzip=False):
    """The path of a generated document, written once (to a .part file, then renamed)."""
    path = work / f"generated-{kind}-{size}-s{seed}.{'html' if kind == 'html' else 'txt'}{'.gz' if gzip else ''}"
    if not path.exists():
        print(f"writing {path} ...", flush=True)
        part = path.with_suffix(path.suffix + ".part")
        command = [sys.executable, str(ROOT / "Corpora/generate.py"), "--kind", kind, "--bytes", str(size), "--seed", str(seed)]
        with open(part, "wb") as output:
            subprocess.run(command + (["--gzip"] if gzip else []), stdout=output, check=True)
        part.rename(path)
    return path


DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>")
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>")
DOCX_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>'
    '<w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>'
    "</w:styles>")
RUN_PROPERTIES = '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="20"/></w:rPr>'


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_paragraph(text, style="Normal"):
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="both"/></w:pPr>'
            f'<w:r>{RUN_PROPERTIES}<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r></w:p>')


def docx_table(prose, rng):
    rows = []
    for _ in range(rng.randint(3, 10)):
        cells = [rng.choice(generate.METRICS)] + [f"{rng.randint(1, 99999):,}" for _ in range(3)]
        rows.append("<w:tr>" + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="2400" w:type="dxa"/></w:tcPr>{docx_paragraph(cell)}</w:tc>' for cell in cells) + "</w:tr>")
    return ('<w:tbl><w:tblPr><w:tblW w:w="9600" w:type="dxa"/></w:tblPr><w:tblGrid>'
            + '<w:gridCol w:w="2400"/>' * 4 + "</w:tblGrid>" + "".join(rows) + "</w:tbl>")


def generated_docx(work, size, seed=1):
    """A contract-and-report DOCX whose word/document.xml is about `size` bytes, written as it is made."""
    path = work / f"generated-docx-{size}-s{seed}.docx"
    if path.exists():
        return path
    print(f"writing {path} ...", flush=True)
    rng = random.Random(seed)
    prose = generate.Prose(rng)
    part = path.with_suffix(".docx.part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/_rels/document.xml.rels", DOCX_DOCUMENT_RELS)
        archive.writestr("word/styles.xml", DOCX_STYLES)
        with archive.open("word/document.xml", "w") as document:
            written = 0

            def write(text):
                nonlocal written
                data = text.encode()
                document.write(data)
                written += len(data)

            write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>')
            article = 0
            while written < size:
                article += 1
                write(docx_paragraph(f"ARTICLE {article}. {rng.choice(generate.ARTICLES)}", "Heading1"))
                for section in range(1, rng.randint(3, 9)):
                    kind = rng.random()
                    if kind < 0.1:
                        write(docx_table(prose, rng))
                    elif kind < 0.2:
                        write(docx_paragraph(prose.title(), "Heading2"))
                    else:
                        write(docx_paragraph(f"{article}.{section} {prose.title(2)}. {prose.paragraph(1, 5)}"))
            write("<w:sectPr/></w:body></w:document>")
    part.rename(path)
    return path


def repetitive_gzip(work, copies=50_000):
    """Corpora/samples/annual-report.txt `copies` times (one in a hundred with a changed name), gzip -9:
    a legitimate file that compresses about 170:1, below Folio's 200:1 bomb limit."""
    path = work / f"repetitive-annual-report-x{copies}.txt.gz"
    if not path.exists():
        text = (ROOT / "Corpora/samples/annual-report.txt").read_bytes()
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        part = path.with_suffix(".gz.part")
        with open(part, "wb") as output:
            for index in range(copies):
                output.write(compressor.compress(text if index % 100 else text.replace(b"Northwind", b"Northwind%d" % index)))
            output.write(compressor.flush())
        part.rename(path)
    return path


def document_xml_size(path):
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo("word/document.xml").file_size


# ---------------------------------------------------------------------------------------------
# Sections

def words(text):
    return collections.Counter(re.findall(r"[^\W_]+", text))


def recall_precision(reference, candidate):
    reference_words, candidate_words = words(reference), words(candidate)
    common = sum((reference_words & candidate_words).values())
    return (common / max(1, sum(reference_words.values())), common / max(1, sum(candidate_words.values())),
            sum(reference_words.values()), sum(candidate_words.values()))


def missing_and_extra(reference, candidate):
    """Words of the reference the candidate lacks, and words it adds (multisets, most common first)."""
    reference_words, candidate_words = words(reference), words(candidate)
    return reference_words - candidate_words, candidate_words - reference_words


def aggregate(rows, size_key, tools):
    total = sum(row[size_key] for row in rows)
    return {tool: total / sum(row["seconds"][tool] for row in rows) / MB for tool in tools}


def html_section(args, shared, folio, work):
    reference = shared / "corpora/reference/lxml-text"
    paths = sorted(glob.glob(str(shared / "corpora/financial/*.htm*")))
    extra = [str(generated(work, "html", args.generated_html_bytes))]
    data = {path: pathlib.Path(path).read_bytes() for path in paths + extra}
    for path in paths:
        expected = (reference / (pathlib.Path(path).stem + ".txt")).read_text(encoding="utf-8")
        if lxml_extract(data[path]) != expected:
            sys.exit(f"the lxml extraction here no longer reproduces {reference}/{pathlib.Path(path).stem}.txt")
    tools = ["lxml extract", "lxml parse", "folio"]
    best = {path: {tool: float("inf") for tool in tools} for path in data}
    for round_number in range(args.rounds):
        for path, bytes_ in data.items():
            best[path]["lxml extract"] = min(best[path]["lxml extract"], best_seconds(lxml_extract, bytes_, args.repeat))
            best[path]["lxml parse"] = min(best[path]["lxml parse"], best_seconds(lxml_parse, bytes_, args.repeat))
        for path, row in folio.bench(list(data), args.repeat).items():
            best[path]["folio"] = min(best[path]["folio"], row["seconds"])
        print(f"  html round {round_number + 1}/{args.rounds} done", flush=True)
    rows = []
    for path in data:
        row = {"file": pathlib.Path(path).name, "bytes": len(data[path]), "seconds": best[path], "generated": path in extra}
        row.update({tool: len(data[path]) / best[path][tool] / MB for tool in tools})
        rows.append(row)
    corpus = [row for row in rows if not row["generated"]]
    total = {"file": "all seven filings", "bytes": sum(row["bytes"] for row in corpus), **aggregate(corpus, "bytes", tools)}
    for row in rows + [total]:
        row["folio / lxml extract"] = row["folio"] / row["lxml extract"]
        row["folio / lxml parse"] = row["folio"] / row["lxml parse"]
    print("\n| filing | MB | lxml extract | lxml parse | Folio | Folio ÷ lxml extract | Folio ÷ lxml parse |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in corpus + [total] + [row for row in rows if row["generated"]]:
        print(f"| {row['file']} | {row['bytes'] / MB:.2f} | {row['lxml extract']:.1f} | {row['lxml parse']:.1f} | "
              f"{row['folio']:.1f} | {row['folio / lxml extract']:.2f}× | {row['folio / lxml parse']:.2f}× |")
    for row in rows:
        del row["seconds"]
    return {"files": rows, "aggregate": total}


def docx_section(args, shared, folio, work):
    paths = sorted(glob.glob(str(shared / "corpora/docx/*.docx")))
    big = str(generated_docx(work, args.docx_bytes))
    tools = ["python-docx", "folio"]
    sizes = {path: document_xml_size(path) for path in paths + [big]}
    best = {path: {tool: float("inf") for tool in tools} for path in sizes}
    for round_number in range(args.rounds):
        for path in sizes:
            repeat = 1 if path == big else args.repeat
            best[path]["python-docx"] = min(best[path]["python-docx"], best_seconds(python_docx_text, path, repeat))
        for path, row in folio.bench(list(sizes), args.repeat).items():
            best[path]["folio"] = min(best[path]["folio"], row["seconds"])
        print(f"  docx round {round_number + 1}/{args.rounds} done", flush=True)
    rows = []
    for path, size in sizes.items():
        row = {"file": pathlib.Path(path).name, "bytes": os.path.getsize(path), "document_xml_bytes": size,
               "seconds": best[path], "generated": path == big}
        row.update({tool: size / best[path][tool] / MB for tool in tools})
        row["folio file MB/s"] = row["bytes"] / best[path]["folio"] / MB
        rows.append(row)
    corpus = [row for row in rows if not row["generated"]]
    total = {"file": f"all {len(corpus)} files", "bytes": sum(row["bytes"] for row in corpus),
             "document_xml_bytes": sum(row["document_xml_bytes"] for row in corpus), **aggregate(corpus, "document_xml_bytes", tools)}
    total["folio file MB/s"] = total["bytes"] / sum(row["seconds"]["folio"] for row in corpus) / MB
    for row in rows + [total]:
        row["folio / python-docx"] = row["folio"] / row["python-docx"]
    print("\n| file | DOCX bytes | document.xml bytes | python-docx | Folio | Folio ÷ python-docx |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in corpus + [total] + [row for row in rows if row["generated"]]:
        print(f"| {row['file'][:48]} | {row['bytes']:,} | {row['document_xml_bytes']:,} | {row['python-docx']:.1f} | "
              f"{row['folio']:.1f} | {row['folio / python-docx']:.1f}× |")
    for row in rows:
        del row["seconds"]
    return {"files": rows, "aggregate": total}


def gzip_section(args, shared, folio, work):
    inputs = [shared / "corpora/gzip/hongloumeng+xiyouji.txt.gz", generated(work, "text", args.gzip_bytes, gzip=True)]
    rows = []
    for path in inputs:
        compressed = path.read_bytes()
        inflated_size = inflate(compressed)
        plain = work / (path.name[:-3] + ".plain.txt")
        if not plain.exists() or plain.stat().st_size != inflated_size:
            with open(plain, "wb") as output:
                subprocess.run(["gzip", "-dc", str(path)], stdout=output, check=True)
        # Plain text is extracted verbatim: Folio's output must be the inflated bytes.
        digest = hashlib.sha256()
        with subprocess.Popen([folio.binary, "extract", str(path)], stdout=subprocess.PIPE) as process:
            for block in iter(lambda: process.stdout.read(1 << 20), b""):
                digest.update(block)
        expected = hashlib.sha256()
        with open(plain, "rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                expected.update(block)
        identical = process.returncode == 0 and digest.digest() == expected.digest()
        best = collections.defaultdict(lambda: float("inf"))
        for round_number in range(args.rounds):
            best["python zlib"] = min(best["python zlib"], best_seconds(inflate, compressed, args.repeat))
            for _ in range(args.repeat):
                best["gzip -dc"] = min(best["gzip -dc"], process_seconds(["gzip", "-dc", str(path)]))
                seconds = process_seconds([folio.binary, "extract", str(path)])
                best["folio extract (process)"] = min(best["folio extract (process)"], seconds)
            rows_now = folio.bench([str(path), str(plain)], args.repeat)
            best["folio gunzip stage"] = min(best["folio gunzip stage"], folio.gunzip(str(path), args.repeat))
            best["folio (in process)"] = min(best["folio (in process)"], rows_now[str(path)]["seconds"])
            best["folio plain text (in process)"] = min(best["folio plain text (in process)"], rows_now[str(plain)]["seconds"])
            print(f"  gzip {path.name} round {round_number + 1}/{args.rounds} done", flush=True)
        row = {"file": path.name, "bytes": len(compressed), "inflated_bytes": inflated_size,
               "ratio": inflated_size / len(compressed), "folio output identical": identical}
        row.update({tool: inflated_size / seconds / MB for tool, seconds in best.items()})
        row["folio gunzip stage / python zlib"] = row["folio gunzip stage"] / row["python zlib"]
        row["folio .gz / folio plain"] = row["folio (in process)"] / row["folio plain text (in process)"]
        row["folio / python zlib"] = row["folio (in process)"] / row["python zlib"]
        row["folio process / gzip -dc"] = row["folio extract (process)"] / row["gzip -dc"]
        rows.append(row)
    print("\n| file | gzip bytes | inflated | zlib (Python) | gzip -dc | Folio gzip stage | Folio in process | Folio process | "
          "Folio on the plain text | gzip stage ÷ zlib | Folio ÷ zlib | Folio .gz ÷ plain | Folio process ÷ gzip -dc | output = inflated input |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['file']} | {row['bytes']:,} | {row['inflated_bytes']:,} ({row['ratio']:.1f}:1) | {row['python zlib']:.1f} | "
              f"{row['gzip -dc']:.1f} | {row['folio gunzip stage']:.1f} | {row['folio (in process)']:.1f} | "
              f"{row['folio extract (process)']:.1f} | {row['folio plain text (in process)']:.1f} | "
              f"{row['folio gunzip stage / python zlib']:.2f}× | {row['folio / python zlib']:.2f}× | "
              f"{row['folio .gz / folio plain']:.2f}× | {row['folio process / gzip -dc']:.2f}× | "
              f"{'yes' if row['folio output identical'] else 'NO'} |")
    return {"files": rows}


def check_html_output(folio, path):
    """Streams `folio extract path` and counts what must not be there: markup and the header's dates."""
    leaks = {"bytes": 0, "<": 0, "context dates": 0}
    tail = b""
    with subprocess.Popen([folio.binary, "extract", str(path)], stdout=subprocess.PIPE) as process:
        for block in iter(lambda: process.stdout.read(1 << 20), b""):
            leaks["bytes"] += len(block)
            leaks["<"] += block.count(b"<")
            window = tail + block
            leaks["context dates"] += len(re.findall(rb"\d{4}-(?:01-01|12-31)", window)) - len(re.findall(rb"\d{4}-(?:01-01|12-31)", tail))
            tail = block[-16:]
    leaks["exit status"] = process.returncode
    return leaks


def memory_section(args, shared, folio, work):
    tiny = work / "tiny.html"
    tiny.write_text("<html><body><p>Hello.</p></body></html>\n")
    baseline, _ = min(folio.peak(str(tiny)) for _ in range(3))
    rows = []
    ko = shared / "corpora/financial/ko-10-k-2025-02-20.html"
    others = [ko, shared / "corpora/docx/ko-10-k-2025-02-20.docx", shared / "corpora/gzip/hongloumeng+xiyouji.txt.gz",
              generated_docx(work, args.docx_bytes)]
    for path in others:
        peak, seconds = min(folio.peak(str(path)) for _ in range(3))
        rows.append({"file": path.name, "bytes": path.stat().st_size, "peak": peak, "above baseline": peak - baseline, "seconds": seconds})
    # For comparison: lxml's extraction of the same filing in a Python process, above that process's
    # peak on the tiny file (Python, lxml and python-docx loaded in both).
    code = (f"import sys; sys.path.insert(0, {str(pathlib.Path(__file__).resolve().parent)!r}); import ingest; "
            "ingest.lxml_extract(open(sys.argv[1], 'rb').read())")
    python_baseline, _ = min(peak_of([sys.executable, "-c", code, str(tiny)]) for _ in range(3))
    python_peak, python_seconds = min(peak_of([sys.executable, "-c", code, str(ko)]) for _ in range(3))
    rows.append({"file": f"{ko.name} (lxml extract, Python)", "bytes": ko.stat().st_size, "peak": python_peak,
                 "above baseline": python_peak - python_baseline, "seconds": python_seconds, "baseline": python_baseline})
    # Memory grows with the compression ratio: a highly compressible (but legitimate) gzip file.
    repetitive = repetitive_gzip(work)
    peak, seconds = folio.peak(str(repetitive))
    inflated_size = inflate(repetitive.read_bytes())
    rows.append({"file": repetitive.name, "bytes": repetitive.stat().st_size, "inflated_bytes": inflated_size,
                 "ratio": inflated_size / repetitive.stat().st_size, "peak": peak, "above baseline": peak - baseline,
                 "seconds": seconds, "inflated MB/s": inflated_size / seconds / MB})
    for kind in ("html", "text"):
        path = generated(work, kind, args.big_bytes, gzip=True)
        peak, seconds = folio.peak(str(path))
        row = {"file": path.name, "bytes": path.stat().st_size, "inflated_bytes": args.big_bytes, "peak": peak,
               "above baseline": peak - baseline, "seconds": seconds, "inflated MB/s": args.big_bytes / seconds / MB}
        if kind == "text":
            digest = hashlib.sha256()
            with subprocess.Popen([folio.binary, "extract", str(path)], stdout=subprocess.PIPE) as process:
                for block in iter(lambda: process.stdout.read(1 << 20), b""):
                    digest.update(block)
            expected = hashlib.sha256()
            inflater = zlib.decompressobj(16 + 15)
            with open(path, "rb") as source:
                for block in iter(lambda: source.read(1 << 20), b""):
                    expected.update(inflater.decompress(block))
            expected.update(inflater.flush())
            row["output identical"] = process.returncode == 0 and digest.digest() == expected.digest()
        else:
            row["output check"] = check_html_output(folio, path)
        rows.append(row)
    print(f"\nbaseline (folio extract on a {tiny.stat().st_size}-byte HTML file): {baseline / MB:.1f} MB peak RSS "
          "(MB = 10^6 bytes; /usr/bin/time reports KiB)")
    print("\n| input | bytes | peak RSS | above baseline | wall | inflated MB/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        rate = f"{row['inflated MB/s']:.1f}" if "inflated MB/s" in row else ""
        name = row["file"][:48] + (f" ({row['ratio']:.0f}:1)" if "ratio" in row else "")
        print(f"| {name} | {row['bytes']:,} | {row['peak'] / MB:.1f} MB | {row['above baseline'] / MB:.1f} MB | "
              f"{row['seconds']:.2f} s | {rate} |")
        for key in ("output identical", "output check"):
            if key in row:
                print(f"    {key}: {row[key]}")
    return {"baseline": baseline, "files": rows}


def fidelity_section(args, shared, folio, work):
    reference = shared / "corpora/reference/lxml-text"
    filings = []
    for path in sorted(glob.glob(str(shared / "corpora/financial/*.htm*"))):
        expected = (reference / (pathlib.Path(path).stem + ".txt")).read_text(encoding="utf-8")
        text = folio.extract(path)
        recall, precision, reference_words, folio_words = recall_precision(expected, text)
        missing, extra = missing_and_extra(expected, text)
        filings.append({"file": pathlib.Path(path).name, "recall": recall, "precision": precision,
                        "reference words": reference_words, "folio words": folio_words,
                        "missing": dict(missing.most_common(20)), "extra": dict(extra.most_common(20))})
    path = generated(work, "html", args.generated_html_bytes)
    recall, precision, reference_words, folio_words = recall_precision(lxml_extract(path.read_bytes()), folio.extract(str(path)))
    filings.append({"file": path.name, "recall": recall, "precision": precision, "reference words": reference_words,
                    "folio words": folio_words, "generated": True})
    print("\n| filing | reference words | Folio words | recall | precision | missing / extra words (first few) |")
    print("|---|---:|---:|---:|---:|---|")
    for row in filings:
        differences = ", ".join([f"−{word}×{count}" for word, count in list(row.get("missing", {}).items())[:4]]
                                + [f"+{word}×{count}" for word, count in list(row.get("extra", {}).items())[:4]])
        print(f"| {row['file']} | {row['reference words']:,} | {row['folio words']:,} | {row['recall']:.5f} | "
              f"{row['precision']:.5f} | {differences or 'none'} |")

    contracts = []
    for path in sorted(glob.glob(str(shared / "corpora/docx/*.docx")) + glob.glob(str(shared / "corpora/odt/*.odt"))):
        name = pathlib.Path(path)
        source = shared / "corpora/contracts/txt" / (name.stem + ".txt")
        if not source.exists():  # the ko 10-K: against the lxml text of the filing
            source = reference / (name.stem + ".txt")
        expected = source.read_text(encoding="utf-8")
        recall, precision, reference_words, folio_words = recall_precision(expected, folio.extract(path))
        row = {"file": name.name, "source": source.name, "recall": recall, "precision": precision,
               "source words": reference_words, "folio words": folio_words}
        if name.suffix == ".docx":
            row["python-docx recall"], row["python-docx precision"], _, _ = recall_precision(expected, python_docx_text(path))
        contracts.append(row)
    print("\n| file | source words | Folio words | Folio recall | Folio precision | python-docx recall | python-docx precision |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in contracts:
        peer = (f"{row['python-docx recall']:.5f} | {row['python-docx precision']:.5f}" if "python-docx recall" in row else "— | —")
        print(f"| {row['file'][:56]} | {row['source words']:,} | {row['folio words']:,} | {row['recall']:.5f} | "
              f"{row['precision']:.5f} | {peer} |")
    return {"filings": filings, "contracts": contracts}


SECTIONS = {"html": html_section, "docx": docx_section, "gzip": gzip_section, "memory": memory_section, "fidelity": fidelity_section}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folio", default=str(ROOT / ".build/release/folio"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per file, tool and round")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "folio-ingest-bench"),
                        help="where generated inputs are written and kept (never inside the repository)")
    parser.add_argument("--generated-html-bytes", type=int, default=20_000_000)
    parser.add_argument("--docx-bytes", type=int, default=64_000_000, help="size of the generated word/document.xml")
    parser.add_argument("--gzip-bytes", type=int, default=200_000_000, help="inflated size of the generated gzipped text")
    parser.add_argument("--big-bytes", type=int, default=1_000_000_000, help="inflated size of the memory runs' gzipped inputs")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    shared = pathlib.Path(args.shared)
    if not (shared / "corpora/financial").is_dir() or not (shared / "corpora/reference/lxml-text").is_dir():
        sys.exit(f"{shared} has no corpora/financial and corpora/reference/lxml-text: "
                 "put the shared corpora beside the checkout or pass --shared")
    if not os.access(args.folio, os.X_OK):
        sys.exit(f"{args.folio} is missing: run `swift build -c release` first (or pass --folio)")
    sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in sections if name not in SECTIONS]
    if unknown:
        sys.exit(f"unknown sections {unknown}: expected some of {', '.join(SECTIONS)}")
    for tool in ("gzip", "/usr/bin/time"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed and was not found")
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    folio = Folio(args.folio)
    results = {"rounds": args.rounds, "repeat": args.repeat, "lxml": etree.__version__,
               "python-docx": getattr(docx, "__version__", "?"), "python": sys.version.split()[0]}
    for name in sections:
        print(f"\n## {name}", flush=True)
        results[name] = SECTIONS[name](args, shared, folio, work)
        sys.stdout.flush()
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
