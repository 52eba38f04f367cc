#!/usr/bin/env python3
"""Reads a PDF the service made with poppler's own tools, not the renderer's: its text
(pdftotext), its fonts and whether each is embedded (pdffonts), its page count (pdfinfo), and
how much of its first page rendered to a picture (pdftoppm, grey, 50 dpi) is ink. Prints JSON."""
import json, subprocess, sys, tempfile, os

path = sys.argv[1]
text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
fonts = []
lines = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
for line in lines:
    parts = line.split()
    # name type… encoding emb sub uni object ID: "emb" is the 5th field from the end.
    fonts.append({"name": parts[0], "embedded": parts[-5] == "yes"})
info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
pages = int(next(l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")))
with tempfile.TemporaryDirectory() as d:
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", path, os.path.join(d, "p")], check=True)
    picture = next(os.path.join(d, f) for f in os.listdir(d))
    data = open(picture, "rb").read()
    # PGM (P5): magic, width, height, maxval, then one byte per pixel.
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pixels = data[pos + 1:]
    ink = sum(1 for b in pixels if b < 128)
print(json.dumps({"text": text, "fonts": fonts, "pages": pages, "ink_pixels": ink, "pixels": len(pixels)},
                 ensure_ascii=False))
