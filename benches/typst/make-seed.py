#!/usr/bin/env python3
"""Writes the Typst equivalent of a gongwen input (used for the seed report, for benches/compare.sh):
the same text, fonts, sizes, page geometry and tables (spans included), so that Typst typesets the
same document. Needs PyYAML. Usage: make-seed.py INPUT.yaml > OUT.typ"""
import re
import sys

import yaml


def esc(text):
    """Typst markup for plain text, with **bold** run-ins as strong."""
    text = str(text)
    text = re.sub(r'([\\#*_`$<>@\[\]~/"=\-+])', r'\\\1', text)
    return re.sub(r'\\\*\\\*(.+?)\\\*\\\*', r'*\1*', text)


def cell(text, colspan=1, rowspan=1, header=False):
    body = f"[{esc('' if text is None else text)}]"
    if header:
        body = f"text(font: hei)[{esc(text)}]"
    args = []
    if colspan > 1:
        args.append(f"colspan: {colspan}")
    if rowspan > 1:
        args.append(f"rowspan: {rowspan}")
    if not args:
        return body if not header else f"[#{body}]"
    return f"table.cell({', '.join(args)})[#{body}]" if header else f"table.cell({', '.join(args)}){body}"


def tree_depth(nodes):
    depth = 0
    for n in nodes:
        if isinstance(n, dict):
            ((_, kids),) = n.items()
            depth = max(depth, 1 + (tree_depth(kids) if isinstance(kids, list) and kids and not all(
                not isinstance(k, (dict, list)) for k in kids) or isinstance(kids, list) and any(isinstance(k, dict) for k in kids) else 1))
        else:
            depth = max(depth, 1)
    return depth


def col_tree(nodes):
    """Column header tree → [(label, children)]; a list of strings is a list of leaves."""
    out = []
    for n in nodes:
        if isinstance(n, dict):
            ((label, kids),) = n.items()
            out.append((label, col_tree(kids)))
        else:
            out.append((n, []))
    return out


def leaves(t):
    return sum(leaves(k) if k else 1 for _, k in t) if t else 0


def depth(t):
    return max((1 + (depth(k) if k else 0)) for _, k in t) if t else 0


def row_tree(nodes):
    """Row tree → [(label, children, values)]; a leaf maps its label to a list of values."""
    out = []
    for n in nodes:
        if isinstance(n, dict):
            ((label, v),) = n.items()
            if isinstance(v, list) and v and isinstance(v[0], dict):
                out.append((label, row_tree(v), None))
            else:
                out.append((label, [], v))
        else:
            out.append((None, [], n))
    return out


def row_leaves(t):
    return sum(row_leaves(k) if k else 1 for _, k, _ in t)


def row_depth(t):
    return max((1 + (row_depth(k) if k else 0)) for _, k, _ in t) if t else 0


def tree_table(t):
    cols = col_tree(t["columns"])
    rows = row_tree(t["rows"])
    d, r = depth(cols), row_depth(rows)
    has_labels = any(label is not None for label, _, _ in rows)
    label_cols = r if has_labels else 0
    ncols = label_cols + leaves(cols)
    cells = []
    levels = [[] for _ in range(d)]

    def walk(t, level):
        for label, kids in t:
            span = leaves(kids) if kids else 1
            levels[level].append(cell(label, span, 1 if kids else d - level, header=True))
            if kids:
                walk(kids, level + 1)

    walk(cols, 0)
    if label_cols:
        cells.append(cell(t.get("corner", ""), label_cols, d, header=True))
    for level in levels:
        cells.extend(level)

    def emit(t, level, pending):
        for label, kids, values in t:
            here = pending + ([] if label is None else [cell(label, 1 if kids else r - level, row_leaves(kids) if kids else 1, header=True)])
            if kids:
                emit(kids, level + 1, here)
            else:
                cells.extend(here)
                cells.extend(cell(v) for v in values)
                pending = []
            pending = []

    emit(rows, 0, [])
    return ncols, cells


def grid_table(t):
    widths = t.get("columns")
    cells = []
    ncols = len(widths)
    for row in t["rows"]:
        header = isinstance(row, dict) and row.get("header")
        items = row["cells"] if isinstance(row, dict) else row
        for c in items:
            if isinstance(c, dict):
                cells.append(cell(c.get("text"), c.get("colspan", 1), c.get("rowspan", 1), header))
            else:
                cells.append(cell(c, header=header))
    return widths, ncols, cells


def main(path):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    out = [PREAMBLE]
    out.append(f"#title[{esc(doc['title'])}]\n")
    for block in doc["body"]:
        if isinstance(block, str):
            out.append(f"{esc(block)}\n")
        elif "heading" in block:
            h = block["heading"]
            level = 1 if re.match(r"^[一二三四五六七八九十]+、", h) else 2
            out.append(f"#h{level}[{esc(h)}]\n")
        elif "table" in block:
            t = block["table"]
            if isinstance(t["columns"][0], (int, float)):
                widths, ncols, cells = grid_table(t)
                cols = "(" + ", ".join(f"{w}fr" for w in widths) + ")"
            else:
                ncols, cells = tree_table(t)
                cols = str(ncols)
            out.append(f"#report-table({cols}, " + ", ".join(cells) + ")\n")
        elif "page-break" in block:
            out.append("#pagebreak()\n")
    y, m, d = str(doc["date"]).split("-")
    out.append(f"#signature[{esc(doc['issuer'])}][{int(y)}年{int(m)}月{int(d)}日]\n")
    sys.stdout.write("\n".join(out))


PREAMBLE = r"""// The seed report for Typst, written by benches/typst/make-seed.py from the gongwen sample:
// GB/T 9704 page (A4, 天头 37 mm, 订口 28 mm, 156 × 225 mm 版心), the same fonts, sizes and tables.
#let fang = ("TeX Gyre Termes", "FandolFang R", "Noto Serif CJK SC")
#let hei = ("TeX Gyre Termes", "FandolHei", "Noto Sans CJK SC")
#let kai = ("TeX Gyre Termes", "FandolKai", "Noto Serif CJK SC")
#let song = ("TeX Gyre Termes", "FandolSong", "Noto Serif CJK SC")
#set document(title: "阿拉善左旗人民政府2019年政府信息公開年度報告", author: "阿拉善左旗人民政府")
#set page(paper: "a4", margin: (top: 37mm, left: 28mm, right: 26mm, bottom: 35mm),
  footer-descent: 7mm,
  footer: context {
    let n = counter(page).get().first()
    set text(font: song, size: 14pt)
    align(if calc.odd(n) { right } else { left }, [— #n —])
  })
#set text(font: fang, size: 16pt, lang: "zh", region: "cn", top-edge: 0.8em, bottom-edge: -0.2em)
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 12.95pt, spacing: 12.95pt)
#let title(body) = align(center, text(font: song, weight: "bold", size: 22pt, body)) + v(28.95pt)
#let h1(body) = block(text(font: hei, body))
#let h2(body) = block(text(font: kai, body))
#let report-table(columns, ..cells) = {
  set text(size: 14pt, top-edge: "ascender", bottom-edge: "descender")
  set par(first-line-indent: 0pt, justify: false, leading: 0.3em)
  table(columns: columns, align: center + horizon, inset: 4pt, ..cells)
}
#let signature(issuer, date) = {
  v(28.95pt)
  align(right, box(inset: (right: 2em), issuer))
  align(right, box(inset: (right: 0em), date))
}
"""

if __name__ == "__main__":
    main(sys.argv[1])
