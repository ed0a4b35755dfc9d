#!/usr/bin/env python3
"""Writes samples/specimen-seal.svg: an example seal for the samples, obviously not a real one
(a ring, a star, 样例 across the middle, 样例印章 不具效力 around the top). The text is drawn as
outlines from FandolHei, so the SVG needs no font. Needs fontTools."""
import math
from fontTools.ttLib import TTFont
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen

font = TTFont("fonts/fandol/FandolHei-Regular.otf")
glyphs = font.getGlyphSet()
cmap = font.getBestCmap()
upm = font["head"].unitsPerEm
RED = "#e60012"
C, R = 210.0, 210.0  # centre and radius, in 0.1 mm (the seal is 42 mm across)


def glyph_path(ch, size, x, y, angle=0.0):
    """The outline of `ch`, `size` units high, centred at (x, y), turned by `angle` radians."""
    name = cmap[ord(ch)]
    pen = SVGPathPen(glyphs)
    s = size / upm
    cos, sin = math.cos(angle), math.sin(angle)
    # Font units (y up, glyph box centred on 0.5 em, baseline 0.12 em below the box centre)
    # to SVG (y down), scaled, rotated about the glyph centre and moved to (x, y).
    w = glyphs[name].width
    t = (s * cos, s * sin, s * sin, -s * cos, 0, 0)
    ox, oy = -w / 2 * s, 0.38 * size
    dx = x + ox * cos - oy * sin
    dy = y + ox * sin + oy * cos
    glyphs[name].draw(TransformPen(pen, (t[0], t[1], t[2], t[3], dx, dy)))
    return pen.getCommands()


paths = []
# The star, centre slightly above the middle.
star = []
for i in range(10):
    r = 62 if i % 2 == 0 else 24
    a = -math.pi / 2 + i * math.pi / 5
    star.append(f"{C + r * math.cos(a):.2f},{C - 20 + r * math.sin(a):.2f}")
paths.append("M" + " L".join(star) + " Z")
# 样例 across the middle, large.
for i, ch in enumerate("样例"):
    paths.append(glyph_path(ch, 78, C - 45 + 90 * i, C + 85))
# 样例印章 不具效力 around the top arc, each character upright to the centre.
ring = "样例印章　不具效力"
span = math.radians(250)
for i, ch in enumerate(ring):
    if ch == "　":
        continue
    a = -math.pi / 2 - span / 2 + span * i / (len(ring) - 1)
    rr = R - 52
    paths.append(glyph_path(ch, 44, C + rr * math.cos(a), C + rr * math.sin(a), a + math.pi / 2))

svg = f'''<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="0 0 420 420">
  <!-- An EXAMPLE seal for gongwen's samples (样例): not the seal of any organ. -->
  <circle cx="{C}" cy="{C}" r="{R - 8}" fill="none" stroke="{RED}" stroke-width="14"/>
  <path fill="{RED}" d="{" ".join(paths)}"/>
</svg>
'''
open("samples/specimen-seal.svg", "w").write(svg)
