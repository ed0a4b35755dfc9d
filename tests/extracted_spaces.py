#!/usr/bin/env python3
"""Counts the spaces that PDF text extractors read where the source text has none.

    tests/extracted_spaces.py OUT.pdf OUT.docx [--show]

The source text is the DOCX's paragraphs (the typed text plus what gongwen generates: dates,
labels, page numbers). A space an extractor reads between two printed characters is spurious
when the characters around it occur in the source without it (`2019 年` where the source has
`2019年`); spaces between table cells or other separate pieces, and between two digits or
letters (numbers in adjacent cells), are not counted. Prints one line
per extractor: its name, the spurious spaces, and the characters it read. Needs `pdftotext`
(poppler), `mutool` (MuPDF) and the Python module `pymupdf`; `--show` lists each space found.
"""

import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTEXT = 3


def source_paragraphs(docx):
    with zipfile.ZipFile(docx) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        out = []
        for name in names:
            root = ET.fromstring(z.read(name))
            for p in root.iter(W + "p"):
                text = "".join(t.text or "" for t in p.iter(W + "t"))
                if text:
                    out.append(text)
    return out


def extractors(pdf):
    def run(args):
        return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")

    yield "pdftotext", run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    yield "pdftotext -layout", run(["pdftotext", "-enc", "UTF-8", "-layout", pdf, "-"])
    yield "mutool", run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", pdf])
    import pymupdf

    with pymupdf.open(pdf) as doc:
        yield "pymupdf", "\n".join(page.get_text() for page in doc)


def spurious(text, corpus):
    found = []
    for line in text.splitlines():
        for m in re.finditer(r"(?<=\S)[ \t\u00a0\u3000]+(?=\S)", line):
            left = re.search(r"\S{1,%d}$" % CONTEXT, line[: m.start()]).group(0)
            right = re.match(r"\S{1,%d}" % CONTEXT, line[m.end() :]).group(0)
            # Two digits or letters side by side are separate numbers (table cells), not a gap.
            if re.fullmatch(r"[0-9A-Za-z.,%]", left[-1]) and re.fullmatch(r"[0-9A-Za-z.,%]", right[0]):
                continue
            if left + right in corpus and left + m.group(0) + right not in corpus:
                found.append(f"{left}␣{right}")
    return found


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    pdf, docx = args
    corpus = "\n".join(source_paragraphs(docx))
    for name, text in extractors(pdf):
        found = spurious(text, corpus)
        chars = sum(1 for c in text if not c.isspace())
        print(f"{name}\t{len(found)}\t{chars}")
        if "--show" in sys.argv:
            for f in found:
                print(f"    {f}")


if __name__ == "__main__":
    main()
