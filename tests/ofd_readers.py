"""The OFD readers tests/conformance.rs runs (`pip install ofdkit easyofd`).

    python3 tests/ofd_readers.py ofdkit FILE.ofd        what ofdkit reads, as lines of tab-separated
                                                        fields: `title`, `author`, `date` with
                                                        the DocInfo's value, `page` for each page,
                                                        and `run X Y SIZE TEXT` (mm) for its text
    python3 tests/ofd_readers.py easyofd FILE.ofd OUT   easyofd's rendering of FILE.ofd, as a PDF

easyofd draws every character in one font it calls 宋体 (it does not use the OFD's embedded
fonts), and finds none on Linux; AR PL UMing (Debian's fonts-arphic-uming, a Song face) is given
to it under that name, so its pages show the text instead of empty boxes.
"""

import sys

UMING = "/usr/share/fonts/truetype/arphic/uming.ttc"


def ofdkit_lines(path):
    import ofdkit

    with ofdkit.open(path) as doc:
        info = doc.info
        yield f"title\t{info.title}"
        yield f"author\t{info.author}"
        yield f"date\t{info.creation_date}"
        for page in doc.pages:
            yield "page"
            for r in page.runs:
                yield f"run\t{r.x}\t{r.y}\t{r.size}\t{r.text}"


def easyofd_pdf(path, out):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.registerFont(TTFont("宋体", UMING, subfontIndex=0))
    except Exception as e:  # noqa: BLE001 - the message says what to install
        sys.exit(f"{UMING} cannot be loaded ({e}): apt-get install fonts-arphic-uming")
    from easyofd.ofd import OFD

    ofd = OFD()
    ofd.read(path, fmt="path")
    with open(out, "wb") as f:
        f.write(ofd.to_pdf())


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "ofdkit":
        for line in ofdkit_lines(sys.argv[2]):
            print(line)
    elif len(sys.argv) >= 4 and sys.argv[1] == "easyofd":
        easyofd_pdf(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
