#!/usr/bin/env python3
"""Reads a workbook the service wrote with openpyxl (a real reader, not the writer's code) and
prints every sheet's cell values, with each cell's type and whether it carries the quote
prefix, as JSON: {"sheets": {name: [[{"v": value, "t": type, "q": bool}, …], …]}}."""
import json, sys

import openpyxl

book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": {}}
for sheet in book.worksheets:
    rows = []
    for row in sheet.iter_rows():
        rows.append([{"v": c.value if not isinstance(c.value, float) else c.value, "t": c.data_type,
                      "q": bool(c.quotePrefix), "b": bool(c.font and c.font.b)} for c in row])
    out["sheets"][sheet.title] = rows
print(json.dumps(out, ensure_ascii=False, default=str))
