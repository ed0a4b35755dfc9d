#!/usr/bin/env python3
"""Writes samples/specimen-signature.svg: an example 签发人签名章 for the samples, obviously not
a real one (a name in 楷体 in a red frame, 样例 in the corner). The text is drawn as outlines
from FandolKai, so the SVG needs no font. Needs fontTools."""
from fontTools.ttLib import TTFont
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen

RED = "#e60012"
W, H = 400.0, 160.0  # in 0.1 mm: the stamp is 40 mm × 16 mm


def glyph_path(font_file, ch, size, x, y):
    """The outline of `ch`, `size` units high, its box centred at (x, y)."""
    font = TTFont(font_file)
    glyphs = font.getGlyphSet()
    name = font.getBestCmap()[ord(ch)]
    s = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    w = glyphs[name].width
    glyphs[name].draw(TransformPen(pen, (s, 0, 0, -s, x - w / 2 * s, y + 0.38 * size)))
    return pen.getCommands()


paths = []
for i, ch in enumerate("李建国"):
    paths.append(glyph_path("fonts/fandol/FandolKai-Regular.otf", ch, 96, 95 + 105 * i, H / 2 - 4))
for i, ch in enumerate("样例"):
    paths.append(glyph_path("fonts/fandol/FandolHei-Regular.otf", ch, 22, W - 58 + 24 * i, H - 30))

svg = f'''<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="16mm" viewBox="0 0 {W:.0f} {H:.0f}">
  <!-- An EXAMPLE signature stamp for gongwen's samples (样例): not anyone's signature. -->
  <rect x="6" y="6" width="{W - 12:.0f}" height="{H - 12:.0f}" rx="10" fill="none" stroke="{RED}" stroke-width="8"/>
  <path fill="{RED}" d="{" ".join(paths)}"/>
</svg>
'''
with open("samples/specimen-signature.svg", "w") as f:
    f.write(svg)
