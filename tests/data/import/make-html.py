#!/usr/bin/env python3
"""Writes huaian-2024.html, a portal-style page of a corpus report (淮安市 2024, 2021 format):
navigation before the title, paragraphs in <p> with full-width indents and <strong> run-in
headings, the tables as <table> with the published rowspan/colspan, served in GBK as many
portals do. Run from this folder: python3 make-html.py SOURCE.txt"""
import html, re, sys

src = open(sys.argv[1], encoding="utf-8").read().split("\n---\n")[0].splitlines()
out = ['<!DOCTYPE html>', '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">',
       f'<title>{html.escape(src[0])}_淮安市人民政府</title>',
       '<style>td{border:1px solid #000}</style><script>var x = "<p>not text</p>";</script></head>',
       '<body><div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 年度报告</div>',
       '<div class="info">发布时间：2025-01-20　来源：市政府办公室　字号：[大 中 小]</div>',
       f'<h1 style="text-align:center">{html.escape(src[0])}</h1>', '<div class="article">']
table = None
for line in src[1:]:
    if line.startswith('|'):
        if table is None:
            table = []
        cells = line.strip().strip('|').split('|')
        tds = []
        for c in cells:
            attrs = ''
            for name in ('colspan', 'rowspan'):
                m = re.search(r' \(' + name + r'=(\d+)\)', c)
                if m:
                    attrs += f' {name}="{m.group(1)}"'
                    c = c.replace(m.group(0), '')
            tds.append(f'<td{attrs}>{html.escape(c)}</td>')
        table.append('<tr>' + ''.join(tds) + '</tr>')
        continue
    if table is not None:
        out.append('<table border="1" cellspacing="0"><tbody>\n' + '\n'.join(table) + '\n</tbody></table>')
        table = None
    if not line.strip() or line.startswith('[TABLE'):
        continue
    text = html.escape(line)
    m = re.match(r'^(（[一二三四五六七八九十]）[^。]{1,20}。)(.+)$', text)
    if m:  # a run-in heading: bold, as portals print them
        text = f'<strong>{m.group(1)}</strong>{m.group(2)}'
    # a long paragraph wrapped in the page source, as editors leave them
    if len(text) > 120:
        text = text[:60] + '\n        ' + text[60:]
    out.append(f'<p style="text-indent:2em">&nbsp;&nbsp;{text}</p>')
if table is not None:
    out.append('<table border="1"><tbody>\n' + '\n'.join(table) + '\n</tbody></table>')
out += ['</div>', '<div class="footer">主办：淮安市人民政府办公室　<a href="#">网站地图</a></div>', '</body></html>']
open('huaian-2024.html', 'w', encoding='gbk', errors='strict').write('\n'.join(out) + '\n')
