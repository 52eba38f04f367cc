#!/usr/bin/env python3
"""Writes the import benchmark's files: a schools CSV and a projects CSV with Thai headers,
a byte-order mark and Buddhist Era dates, the way district offices hold them.

    make_csv.py schools 29000 > schools.csv
    make_csv.py projects 50000 FIRST_OBEC_CODE SCHOOLS > projects.csv
    make_csv.py school-rows 29000 > schools.tsv   # the same schools as the school table's columns
    make_csv.py project-rows 50000 FIRST_OBEC_CODE SCHOOLS > projects.tsv   # likewise the projects

The last two are the floor's input: rows already parsed and checked, in COPY's text format.
"""
import csv
import sys

VILLAGES = ["หนองบัว", "โนนสูง", "ดอนแดง", "ป่าตาล", "นาคำ", "ห้วยทราย", "โคกกลาง", "สระแก้ว", "ทุ่งใหญ่", "หนองแวง"]
TOPICS = ["ส่งเสริมการอ่าน", "พัฒนาทักษะคณิตศาสตร์", "โรงเรียนปลอดภัย", "อาหารกลางวัน", "พัฒนาครูด้านดิจิทัล"]


def schools(n):
    w = csv.writer(sys.stdout, lineterminator="\r\n")
    sys.stdout.write("\ufeff")
    w.writerow(["รหัสโรงเรียน", "ชื่อโรงเรียน", "จังหวัด", "ที่อยู่", "ขนาด", "จำนวนนักเรียน"])
    for i in range(1, n + 1):
        v = VILLAGES[i % len(VILLAGES)]
        w.writerow([f"{7000000000 + i}", f"โรงเรียนบ้าน{v} {i}", "ขอนแก่น", f"หมู่ {i % 20 + 1} ตำบล{v}",
                    ["เล็ก", "กลาง", "ใหญ่", "ใหญ่พิเศษ"][i % 4], 40 + i * 37 % 1500])


SIZES = ["small", "medium", "large", "extra_large"]


def school_rows(n):
    for i in range(1, n + 1):
        v = VILLAGES[i % len(VILLAGES)]
        sys.stdout.write(f"{7000000000 + i}\tโรงเรียนบ้าน{v} {i}\tขอนแก่น\tหมู่ {i % 20 + 1} ตำบล{v}\t{SIZES[i % 4]}\t{40 + i * 37 % 1500}\n")


def projects(n, first_code, school_count):
    w = csv.writer(sys.stdout, lineterminator="\r\n")
    sys.stdout.write("\ufeff")
    w.writerow(["รหัสโรงเรียน", "ปีงบประมาณ", "รหัสโครงการ", "ประเภท", "ชื่อโครงการ", "ผู้รับผิดชอบ", "วันเริ่มต้น", "วันสิ้นสุด",
                "งบประมาณ สพฐ.", "เงินรายได้สถานศึกษา", "เงินบริจาค"])
    for i in range(n):
        school = first_code + i % school_count + 1
        w.writerow([school, 2569, f"P{i // school_count + 1:03d}", "โครงการ" if i % 5 else "งาน",
                    f"โครงการ{TOPICS[i % len(TOPICS)]} {i}", f"ครูผู้รับผิดชอบ {i % 97}", "1/10/2568", "30/9/2569",
                    f"{5000 + i * 7919 % 95000:,}.00", f"{i % 3 * 1000}", "" if i % 4 else "2500.50"])


def project_rows(n, first_code, school_count):
    for i in range(n):
        school = first_code + i % school_count + 1
        donation = "\\N" if i % 4 else "2500.50"
        sys.stdout.write(f"{school}\t2569\tP{i // school_count + 1:03d}\t{'project' if i % 5 else 'work'}\t"
                         f"โครงการ{TOPICS[i % len(TOPICS)]} {i}\tครูผู้รับผิดชอบ {i % 97}\t2025-10-01\t2026-09-30\t"
                         f"{5000 + i * 7919 % 95000}.00\t{i % 3 * 1000}\t{donation}\n")


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "schools":
        schools(int(sys.argv[2]))
    elif kind == "school-rows":
        school_rows(int(sys.argv[2]))
    elif kind == "project-rows":
        project_rows(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        projects(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
