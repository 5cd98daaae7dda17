#!/usr/bin/env python3
"""Check codedesk's code-set sample (data/sample/): formats, encodings, and consistency.

Reads only the generated files, not the generator's data, so it checks what ships.

    python3 scripts/sample/check_sample.py [--sample DIR] [--official DIR] [--content]

--official DIR   the real CMS/CDC files (default: $CODEDESK_CODESETS if set). Compares the
                 sample's LAYOUT with theirs: field positions, header lines, element names.
--content        with --official: also check that every sample ICD-10-CM, ICD-10-PCS and HCPCS
                 code exists in the official files with the same header flag and the same long
                 description, and that every tabular note, 7th character and chapter/section
                 title of the sample is official. Reports code and field only, never the
                 official text.

Exit status 0 when every check passes, 1 otherwise. Python 3.11 standard library only.
"""

import argparse
import csv
import datetime
import io
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

ICD10CM_ORDER = "icd10cm_order_2026.txt"
ICD10CM_XML = "icd10cm_tabular_2026.xml"
ICD10CM_ADDENDA = "icd10cm_order_addenda_2026.txt"
ICD10PCS_ORDER = "icd10pcs_order_2026.txt"
HCPCS_FILE = "HCPC2026_JAN_ANWEB.txt"
MUE_FILE = "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv"
PTP_FILE = "ccipra-v320r0-f1.txt"
CPT_FILE = "cpt_2026_sample.csv"
CPT_MODIFIER_FILE = "cpt_modifiers_2026_sample.csv"
CPT_PREFIX = "[codedesk sample wording] "

MUE_MAI = {"1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"}
MUE_RATIONALES = {
    "Anatomic Consideration", "Clinical: CMS Workgroup", "Clinical: Data",
    "Clinical: Society Comment", "CMS Policy", "Code Descriptor / CPT Instruction",
    "Compounded Drug Policy", "Drug discontinued", "Nature of Analyte",
    "Nature of Equipment", "Nature of Service/Procedure", "Oral Medication; Not Payable",
    "Prescribing Information", "Published Contractor Policy",
}
PTP_RATIONALES = {
    "Mutually exclusive procedures", "Standards of medical/surgical practice",
    "CPT Manual or CMS manual coding instruction",
    "Misuse of Column Two code with Column One code", "More extensive procedure",
    "HCPCS/CPT procedure code definition", "Anesthesia service included in surgical procedure",
    "Laboratory panel", "CMS policy", "Gender-specific procedures", "Sequential procedure",
    "Mutually exclusive procedures - Surgical", "Separate procedure",
    "Standard preparation/monitoring services for anesthesia",
}
PTP_HEADER = [
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t",
    "Column1/Column2 Edits\t\t\t\t\t\t",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
MUE_HEADER = ["HCPCS/\nCPT Code", "Practitioner Services MUE Values",
              "MUE Adjudication Indicator", "MUE Rationale"]
# HCPCS Level II codes whose termination the sample must show.
TERMINATED_HCPCS = {"J1020", "J1030", "J1040"}


class Report:
    def __init__(self):
        self.errors = []
        self.notes = []

    def check(self, ok, where, message):
        if not ok:
            self.errors.append(f"{where}: {message}")
        return ok

    def note(self, message):
        self.notes.append(message)


R = Report()


# --- shared helpers -----------------------------------------------------------------------------


def read_lines(path, encoding, newline):
    """Decode a file and split it on `newline`, checking that no other line ending occurs."""
    data = path.read_bytes()
    name = path.name
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        R.check(False, name, f"not valid {encoding}: {e}")
        return []
    if newline == "\r\n":
        R.check(data.endswith(b"\r\n"), name, "does not end with CRLF")
        R.check(b"\n" not in data.replace(b"\r\n", b""), name, "has a bare LF")
        R.check(b"\r" not in data.replace(b"\r\n", b""), name, "has a bare CR")
    else:
        R.check(data.endswith(b"\n"), name, "does not end with LF")
        R.check(b"\r" not in data, name, "has a CR (expected LF line endings)")
    R.check(not data.startswith(b"\xef\xbb\xbf"), name, "starts with a byte-order mark")
    return text.split(newline)[:-1]


def valid_date(s):
    try:
        datetime.datetime.strptime(s, "%Y%m%d")
        return True
    except ValueError:
        return False


ORDER_LINE = re.compile(r"^(\d{5}) ([A-Z0-9]{3,7}) {0,4} ([01]) (.{60}) (\S.*)$")


def parse_order_file(path, max_len):
    """Records (number, code, billable, short, long) of a CMS order file, layout checked."""
    name = path.name
    records = []
    for i, line in enumerate(read_lines(path, "ascii", "\r\n"), start=1):
        where = f"{name} line {i}"
        R.check(len(line) <= max_len, where, f"longer than {max_len} characters")
        R.check(line == line.rstrip(), where, "trailing spaces")
        m = ORDER_LINE.match(line)
        if not R.check(m is not None, where, "does not match the order-file layout"):
            continue
        # Fixed positions (1-based): 6, 14, 16 and 77 are blank.
        R.check(all(line[p - 1] == " " for p in (6, 14, 16, 77)), where, "separator not blank")
        code = line[6:13].rstrip()
        R.check(line[6:13] == code.ljust(7), where, "code not left-justified in 7-13")
        number, _, flag, short, long = m.groups()
        R.check(int(number) == i, where, f"order number {number} is not {i:05d}")
        R.check(short.rstrip() == short.rstrip(" ") and short.rstrip() != "", where,
                "empty short description")
        records.append((int(number), code, flag == "1", short.rstrip(), long))
    codes = [r[1] for r in records]
    R.check(len(codes) == len(set(codes)), name, "duplicate codes")
    return records


# --- ICD-10-CM ------------------------------------------------------------------------------------


def check_cm_order(sample):
    records = parse_order_file(sample / ICD10CM_ORDER, 305)
    by_code = {r[1]: r for r in records}
    seen = set()
    for _, code, billable, short, long in records:
        where = f"{ICD10CM_ORDER} {code}"
        R.check(re.fullmatch(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}", code) is not None, where,
                "not an ICD-10-CM code shape")
        if len(short) < 60 or len(long) <= 60:
            # A title that fits is not abbreviated.
            R.check(len(long) > 60 or short == long, where, "short differs from a long title "
                    "that fits in 60 characters")
        # Every ancestor (3 characters and up, placeholder X removed) precedes it as a header.
        for k in range(3, len(code)):
            prefix = code[:k].rstrip("X") if len(code) == 7 else code[:k]
            if len(prefix) < 3:
                continue
            if R.check(prefix in by_code, where, f"ancestor {prefix} missing"):
                R.check(not by_code[prefix][2], where, f"ancestor {prefix} is not a header")
                R.check(prefix in seen, where, f"ancestor {prefix} comes after it")
        seen.add(code)
        if not billable:
            R.check(any(c != code and c.startswith(code) for c in by_code), where,
                    "header without any code under it")
    R.check(300 <= len(records) <= 500, ICD10CM_ORDER, f"{len(records)} lines, not 300-500")
    return records


def xml_lines_ok(path):
    data = path.read_bytes()
    R.check(data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\r\n'), path.name,
            "XML declaration is not the first line")
    read_lines(path, "utf-8", "\r\n")


def effective_seven(stack):
    for d in reversed(stack):
        chars = d.find("sevenChrDef")
        if chars is not None:
            return [(e.get("char"), e.text) for e in chars.findall("extension")]
    return None


def check_cm_xml(sample, order_records):
    path = sample / ICD10CM_XML
    xml_lines_ok(path)
    root = ET.parse(path).getroot()
    where = ICD10CM_XML
    R.check(root.tag == "ICD10CM.tabular", where, "root is not <ICD10CM.tabular>")
    R.check([c.tag for c in root][:2] == ["version", "introduction"], where,
            "first children are not <version>, <introduction>")
    R.check(root.findtext("version") == "2026", where, "version is not 2026")
    R.check(all(c.tag == "chapter" for c in list(root)[2:]), where,
            "root children after the introduction are not all <chapter>")

    expected = []  # (code, billable, long) in tabular order, derived from the XML
    names = set()

    def walk(d, stack):
        name = d.findtext("name")
        desc = d.findtext("desc")
        code = name.replace(".", "")
        R.check(name not in names, where, f"diag {name} appears twice")
        names.add(name)
        R.check(d.find("name") is list(d)[0] and d.find("desc") is list(d)[1], where,
                f"diag {name}: <name>, <desc> are not the first children")
        if len(stack) > 0:
            parent = stack[-1].findtext("name")
            R.check(name.startswith(parent), where, f"diag {name} is not under {parent}")
        for notes in d:
            if notes.tag in ("includes", "inclusionTerm", "excludes1", "excludes2", "codeFirst",
                             "useAdditionalCode", "codeAlso", "notes", "sevenChrNote"):
                R.check(len(notes) > 0 and all(n.tag == "note" for n in notes), where,
                        f"diag {name}: <{notes.tag}> must hold <note> children")
        children = d.findall("diag")
        stack = stack + [d]
        seven = effective_seven(stack)
        if children:
            expected.append((code, False, desc))
            for c in children:
                walk(c, stack)
        elif seven is None:
            expected.append((code, True, desc))
        else:
            expected.append((code, False, desc))
            for char, meaning in seven:
                expected.append((code.ljust(6, "X") + char, True, f"{desc}, {meaning}"))

    for chapter in root.findall("chapter"):
        cname = chapter.findtext("name")
        index = chapter.find("sectionIndex")
        sections = chapter.findall("section")
        if R.check(index is not None, where, f"chapter {cname} has no <sectionIndex>"):
            refs = index.findall("sectionRef")
            R.check([r.get("id") for r in refs] == [s.get("id") for s in sections], where,
                    f"chapter {cname}: sectionIndex does not list its sections")
            for ref, sec in zip(refs, sections):
                first, _, last = ref.get("id").partition("-")
                R.check(ref.get("first") == first and ref.get("last") == (last or first),
                        where, f"sectionRef {ref.get('id')}: first/last do not match the id")
                title = (ref.text or "").strip()
                R.check(sec.findtext("desc") == f"{title} ({ref.get('id')})", where,
                        f"section {sec.get('id')}: desc does not match its sectionRef")
        for sec in sections:
            first, _, last = sec.get("id").partition("-")
            last = last or first
            for d in sec.findall("diag"):
                cat = d.findtext("name")
                R.check(first <= cat <= last, where,
                        f"category {cat} outside section {sec.get('id')}")
                walk(d, [])

    order = [(code, billable, long) for _, code, billable, _, long in order_records]
    order_codes = {c for c, _, _ in order}
    xml_codes = {c for c, _, _ in expected}
    for code in sorted(order_codes - xml_codes):
        R.check(False, where, f"order-file code {code} is neither a diag nor generated")
    for code in sorted(xml_codes - order_codes):
        R.check(False, where, f"diag or generated code {code} is not in the order file")
    if order_codes == xml_codes:
        R.check([c for c, _, _ in order] == [c for c, _, _ in expected], where,
                "order file is not in tabular (XML) order")
        by_code = {c: (b, l) for c, b, l in order}
        for code, billable, long in expected:
            R.check(by_code[code][1] == long, where,
                    f"{code}: XML title (or generated title) differs from the order file")
            R.check(by_code[code][0] == billable, where,
                    f"{code}: header flag disagrees with the XML")
    generated = [c for c, _, _ in expected if len(c) == 7]
    R.note(f"{ICD10CM_XML}: {len(names)} diags in {len(root.findall('chapter'))} chapters; "
           f"{len(generated)} 7th-character codes generated, all in the order file")
    return root


ADDENDA_LABEL = re.compile(r"^(Add:|Delete:|Revise from:|Revise to:) *$")


def check_cm_addenda(sample, order_records):
    path = sample / ICD10CM_ADDENDA
    lines = read_lines(path, "ascii", "\r\n")
    by_code = {code: (b, s, l) for _, code, b, s, l in order_records}
    counts = {True: {"add": 0, "delete": 0, "revise": 0}, False: {"add": 0, "delete": 0,
                                                                 "revise": 0}}
    kinds = {True: [0, 0, 0], False: [0, 0, 0]}  # revisions: both titles, long only, short
    revised_from = None
    i = 0
    while i < len(lines) and lines[i]:
        line = lines[i]
        where = f"{ICD10CM_ADDENDA} line {i + 1}"
        label = line[:13]
        R.check(ADDENDA_LABEL.match(label) is not None, where, "label not padded to column 14")
        record = line[13:]
        m = re.match(r"^([01]) (.{7}) (.{60}) (\S.*)$", record)
        if R.check(m is not None, where, "record after the label is not an order record"):
            flag, code, short, long = m.groups()
            code, billable = code.rstrip(), flag == "1"
            kind = label.strip()
            if kind in ("Add:", "Revise to:"):
                if R.check(code in by_code, where, f"{code} is not in the sample order file"):
                    R.check(by_code[code] == (billable, short.rstrip(), long), where,
                            f"{code}: record differs from the sample order file")
            if kind == "Delete:":
                R.check(code not in by_code or by_code[code][0] != billable, where,
                        f"deleted {code} is still in the sample order file")
            key = {"Add:": "add", "Delete:": "delete", "Revise to:": "revise"}.get(kind)
            if key:
                counts[billable][key] += 1
            if kind == "Revise from:":
                revised_from = (code, short.rstrip(), long)
            if kind == "Revise to:":
                if R.check(revised_from is not None and revised_from[0] == code, where,
                           "Revise to: without its Revise from: line just before"):
                    _, old_short, old_long = revised_from
                    new_short, new_long = short.rstrip(), long
                    both = old_short != new_short and old_long != new_long
                    kinds[billable][0 if both else (1 if old_long != new_long else 2)] += 1
                revised_from = None
        i += 1
    summary = lines[i:]
    total = {f: sum(1 for r in order_records if r[2] == f) for f in (True, False)}
    expected = [""]
    for flag, title, noun in ((False, "Headers", "headers"), (True, "Codes", "codes")):
        c = counts[flag]
        expected += [
            title,
            f"{total[flag] - c['add'] + c['delete']:>7} {noun} in icd10cm_order_2025.txt",
            f"{total[flag]:>7} {noun} in icd10cm_order_2026.txt",
            f"{c['add']:>7} additions",
            f"{c['delete']:>7} deletions",
            f"{c['revise']:>7} revisions",
            "of which",
            f"{kinds[flag][0]:>7} revisions to both long and short titles",
            f"{kinds[flag][1]:>7} revisions to long title only",
            f"{kinds[flag][2]:>7} revisions to short title only",
        ]
        if flag is False:
            expected.append("")
    R.check(summary == expected, ICD10CM_ADDENDA, "summary counts do not match the records")
    R.note(f"{ICD10CM_ADDENDA}: {i} change lines, summary consistent")
    return lines


# --- ICD-10-PCS -----------------------------------------------------------------------------------


def check_pcs(sample):
    records = parse_order_file(sample / ICD10PCS_ORDER, 275)
    table = None
    codes = [r[1] for r in records]
    R.check(codes == sorted(codes), ICD10PCS_ORDER, "codes are not in ASCII order")
    for _, code, billable, short, long in records:
        where = f"{ICD10PCS_ORDER} {code}"
        R.check(re.fullmatch(r"[0-9A-HJ-NP-Z]+", code) is not None, where,
                "character outside the PCS alphabet (no I or O)")
        if len(code) == 3:
            R.check(not billable, where, "a table header must have flag 0")
            table = code
        else:
            R.check(len(code) == 7 and billable, where, "a code must be 7 characters, flag 1")
            R.check(table is not None and code.startswith(table), where,
                    "code not under its table header")
    R.check(60 <= len(records) <= 120, ICD10PCS_ORDER, f"{len(records)} lines, not 60-120")
    return records


# --- HCPCS ----------------------------------------------------------------------------------------

FIELDS = {  # 1-based inclusive positions of the 320-byte record
    "code": (1, 5), "seq": (6, 10), "rid": (11, 11), "long": (12, 91), "short": (92, 119),
    "price": (120, 127), "detail": (92, 275), "added": (269, 276), "act_eff": (277, 284),
    "term": (285, 292), "action": (293, 293), "filler": (294, 320), "anes": (266, 268),
}


def field(rec, name):
    a, b = FIELDS[name]
    return rec[a - 1:b]


def check_hcpcs(sample):
    path = sample / HCPCS_FILE
    lines = read_lines(path, "latin-1", "\r\n")
    where = HCPCS_FILE
    header, records = lines[:8], lines[8:]
    R.check(header[0].startswith("***Disclaimers"), where, "line 1 is not ***Disclaimers")
    R.check(all(h.count("\t") == 45 for h in header[:6]), where,
            "disclaimer lines 1-6 are not tab-padded to 46 columns")
    R.check(header[6:] == ["", ""], where, "lines 7-8 are not empty")
    entries = {}
    order = []
    for n, rec in enumerate(records, start=9):
        w = f"{where} line {n}"
        if not R.check(len(rec) == 320, w, f"record is {len(rec)} characters, not 320"):
            continue
        code, seq, rid = field(rec, "code"), field(rec, "seq"), field(rec, "rid")
        modifier = code.startswith("   ")
        R.check(re.fullmatch(r"   [0-9A-Z]{2}|[A-V][0-9]{4}", code) is not None, w,
                f"bad code field {code!r}")
        R.check(rid in ("78" if modifier else "34"), w, f"record id {rid} for {code.strip()}")
        R.check(field(rec, "filler").strip() == "", w, "filler 294-320 not blank")
        first = rid in "37"
        if first:
            R.check(seq == "00100", w, "first record of a code must have sequence 00100")
            entries[code.strip()] = dict(modifier=modifier, pieces=[field(rec, "long")],
                                         short=field(rec, "short").rstrip(),
                                         added=field(rec, "added"), act_eff=field(rec, "act_eff"),
                                         term=field(rec, "term"), action=field(rec, "action"),
                                         price=field(rec, "price"))
            order.append(code)
            for name in ("added", "act_eff"):
                R.check(valid_date(field(rec, name)), w, f"{name} is not a YYYYMMDD date")
            term = field(rec, "term")
            R.check(term.strip() == "" or valid_date(term), w, "termination date not a date")
            R.check(field(rec, "action") in "ABCDFNPRST", w, "unknown action code")
            R.check(field(rec, "short").strip() != "", w, "empty short description")
        else:
            e = entries.get(code.strip())
            if R.check(e is not None and order[-1] == code, w, "continuation without a first "
                       "record just before it"):
                R.check(int(seq) == 100 * (len(e["pieces"]) + 1), w, "sequence not by 100s")
                R.check(field(rec, "detail").strip() == "" and rec[275:293].strip() == "", w,
                        "continuation carries detail fields")
                e["pieces"].append(field(rec, "long"))
    R.check(order == sorted(order), where, "records not sorted by code (modifiers first)")
    for code, e in entries.items():
        pieces = [p.rstrip() for p in e["pieces"]]
        R.check(all(pieces) and not any(p.startswith(" ") for p in pieces), where,
                f"{code}: empty or space-led description piece")
        R.check(all(len(p) <= 79 for p in pieces[:-1]), where,
                f"{code}: a continued piece is longer than 79 characters")
        e["long"] = " ".join(pieces)
        if e["term"].strip():
            term = datetime.datetime.strptime(e["term"], "%Y%m%d")
            eff = datetime.datetime.strptime(e["act_eff"], "%Y%m%d")
            R.check(e["action"] == "D" and eff == term + datetime.timedelta(days=1), where,
                    f"{code}: terminated code needs action D effective the day after")
    for code in TERMINATED_HCPCS:
        R.check(code in entries and entries[code]["term"] == "20240331", where,
                f"{code} must be present and terminated 2024-03-31")
    R.check(entries.get("J1010", {}).get("added") == "20240401", where,
            "J1010 must be present, added 2024-04-01")
    ncodes = sum(1 for e in entries.values() if not e["modifier"])
    R.check(60 <= ncodes <= 120, where, f"{ncodes} codes, not 60-120")
    R.note(f"{HCPCS_FILE}: {ncodes} codes, {len(entries) - ncodes} modifiers, "
           f"{len(records)} records of 320 bytes")
    return entries


# --- NCCI -----------------------------------------------------------------------------------------


def check_mue(sample, billable_codes, terminated):
    path = sample / MUE_FILE
    read_lines(path, "cp1252", "\n")
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    where = MUE_FILE
    notice = rows[0]
    R.check(len(notice) == 4 and notice[1:] == ["", "", ""], where,
            "record 1 is not a notice cell followed by ,,,")
    R.check("\n" in notice[0] and "American Medical Association" in notice[0], where,
            "the notice is not a multi-line AMA copyright notice")
    R.check(text.split("\n")[0].startswith('"'), where, "the notice is not quoted")
    R.check(rows[1] == MUE_HEADER, where, "record 2 is not the header (with its embedded "
            "newline)")
    seen = set()
    for row in rows[2:]:
        w = f"{where} {row[0] if row else '?'}"
        if not R.check(len(row) == 4, w, "row has not 4 cells"):
            continue
        code, value, mai, rationale = row
        R.check(code not in seen, w, "duplicate code")
        seen.add(code)
        R.check(value.isdigit() and int(value) > 0, w, "value is not a positive integer")
        R.check(mai in MUE_MAI, w, "unknown adjudication indicator text")
        R.check(rationale in MUE_RATIONALES, w, "unknown rationale")
        R.check(code in billable_codes, w, "code is not in the sample (CPT or HCPCS)")
        R.check(code not in terminated, w, "MUE for a deleted code")
    n = len(rows) - 2
    R.check(60 <= n <= 120, where, f"{n} rows, not 60-120")
    R.check(not (TERMINATED_HCPCS & seen), where, "MUE for J1020/J1030/J1040")
    R.note(f"{MUE_FILE}: {n} rows, {len(text.splitlines())} physical lines")
    return rows


def check_ptp(sample, billable_codes, terminated):
    path = sample / PTP_FILE
    lines = read_lines(path, "ascii", "\n")
    where = PTP_FILE
    R.check(lines[:6] == PTP_HEADER, where, "the 6 header lines are not the official ones")
    pairs = []
    for n, line in enumerate(lines[6:], start=7):
        w = f"{where} line {n}"
        cells = line.split("\t")
        if not R.check(len(cells) == 7, w, "row has not 7 tab-separated cells"):
            continue
        c1, c2, pre, eff, dele, mod, why = cells
        pairs.append((c1, c2))
        for c in (c1, c2):
            R.check(c in billable_codes, w, f"{c} is not in the sample (CPT or HCPCS)")
            R.check(c not in terminated, w, f"{c} is a deleted code")
        R.check(c1 != c2, w, "a code paired with itself")
        R.check(pre in ("", "*"), w, "pre-1996 cell must be empty or *")
        R.check(valid_date(eff), w, "effective date not YYYYMMDD")
        R.check(dele == "*" or (valid_date(dele) and dele >= eff), w,
                "deletion date must be * or a date not before the effective date")
        R.check(mod in ("0", "1", "9"), w, "modifier indicator not 0, 1 or 9")
        R.check(mod != "9" or dele == eff, w, "modifier 9 only on edits deleted when effective")
        R.check(why in PTP_RATIONALES, w, "unknown rationale")
    R.check(len(pairs) == len(set(pairs)), where, "a column1/column2 pair appears twice")
    R.check(pairs == sorted(pairs), where, "rows not sorted by column 1, column 2")
    R.check(60 <= len(pairs) <= 150, where, f"{len(pairs)} rows, not 60-150")
    R.note(f"{PTP_FILE}: {len(pairs)} rows, "
           f"{sum(1 for ln in lines[6:] if ln.split(chr(9))[4] != '*')} deleted")
    return pairs


# --- CPT CSV --------------------------------------------------------------------------------------


def check_cpt(sample, name, first, pattern):
    path = sample / name
    read_lines(path, "utf-8", "\n")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    R.check(rows[0] == [first, "short_description", "long_description", "plain_description"],
            name, "header row is not the codedesk CPT header")
    codes = []
    for row in rows[1:]:
        w = f"{name} {row[0] if row else '?'}"
        if not R.check(len(row) == 4, w, "row has not 4 cells"):
            continue
        codes.append(row[0])
        R.check(re.fullmatch(pattern, row[0]) is not None, w, "bad code shape")
        R.check(all(cell.strip() for cell in row), w, "empty cell")
        R.check(row[2].startswith(CPT_PREFIX), w, f"long_description lacks {CPT_PREFIX!r}")
        R.check(not row[3].startswith(CPT_PREFIX) and not row[1].startswith(CPT_PREFIX), w,
                "prefix in the wrong column")
    R.check(len(codes) == len(set(codes)), name, "duplicate codes")
    R.note(f"{name}: {len(codes)} rows, every long_description prefixed")
    return set(codes)


# --- comparison with the official files ------------------------------------------------------------


def compare_layout(sample, official):
    """Same layout as the real files: positions, header lines, element names. Not content."""
    where = f"layout vs {official}"
    cm_real = official / "icd10cm" / "icd10cm_order_2026.txt"
    if cm_real.exists():
        with cm_real.open("rb") as f:
            real = [f.readline().decode("ascii") for _ in range(200)]
        ours = (sample / ICD10CM_ORDER).read_bytes().decode("ascii").splitlines(True)

        def shape(line):
            body = line.rstrip("\r\n")
            return (line.endswith("\r\n"), body[5], body[13], body[15], body[76],
                    bool(ORDER_LINE.match(body)))

        R.check({shape(ln) for ln in real} == {shape(ln) for ln in ours}, where,
                "ICD-10-CM order-file line shape differs (separators, CRLF, layout)")
    pcs_real = official / "icd10pcs" / "icd10pcs_order_2026.txt"
    if pcs_real.exists():
        with pcs_real.open("rb") as f:
            first_real = f.readline().decode("ascii")
        first_ours = (sample / ICD10PCS_ORDER).read_bytes().decode("ascii").splitlines(True)[0]
        R.check(ORDER_LINE.match(first_real.rstrip()) is not None and
                [first_real[i] for i in (5, 13, 15, 76)] == [first_ours[i] for i in
                                                             (5, 13, 15, 76)] and
                first_real[6:13].rstrip() == "001" and first_ours[6:13].rstrip().isalnum(),
                where, "ICD-10-PCS header line shape differs")
    xml_real = official / "icd10cm" / "icd10c-tabular-April-1-2026.xml"
    if xml_real.exists():
        real_tags, real_attrs = set(), set()
        for _, el in ET.iterparse(xml_real):
            real_tags.add(el.tag)
            real_attrs |= {(el.tag, a) for a in el.attrib}
            el.clear()
        ours = ET.parse(sample / ICD10CM_XML).getroot()
        our_tags = {el.tag for el in ours.iter()}
        our_attrs = {(el.tag, a) for el in ours.iter() for a in el.attrib}
        R.check(our_tags <= real_tags, where,
                f"XML elements not in the real file: {sorted(our_tags - real_tags)}")
        R.check(our_attrs <= real_attrs, where,
                f"XML attributes not in the real file: {sorted(our_attrs - real_attrs)}")
        with xml_real.open("rb") as f:
            R.check(f.read(60).split(b"\r\n")[0] ==
                    (sample / ICD10CM_XML).read_bytes().split(b"\r\n")[0], where,
                    "XML declaration differs")
    add_real = official / "icd10cm" / "icd10cm_order_addenda_2026.txt"
    if add_real.exists():
        def words(lines):
            return [re.sub(r"^\s*\d+ ", "N ", ln) for ln in lines
                    if not ADDENDA_LABEL.match(ln[:13])]

        real = add_real.read_bytes().decode("ascii").split("\r\n")
        ours = (sample / ICD10CM_ADDENDA).read_bytes().decode("ascii").split("\r\n")
        R.check(words(real) == words(ours), where,
                "addenda summary lines differ from the real file's wording")
    hc_real = official / "hcpcs" / "2019" / "HCPC2019_CONTR_ANWEB.txt"
    if hc_real.exists():
        real = hc_real.read_bytes().decode("latin-1").split("\r\n")
        ours = (sample / HCPCS_FILE).read_bytes().decode("latin-1").split("\r\n")
        R.check([ln.count("\t") for ln in real[:8]] == [ln.count("\t") for ln in ours[:8]],
                where, "HCPCS header lines: tab layout differs")
        R.check(real[0].split("\t")[0] == ours[0].split("\t")[0], where,
                "HCPCS first line differs")

        def rec_shape(rec):
            return (len(rec), rec[10], bool(re.fullmatch(r"\d{5}", rec[5:10])))

        R.check({rec_shape(r)[1:] for r in real[8:] if len(r) == 320} >=
                {rec_shape(r)[1:] for r in ours[8:] if r}, where,
                "HCPCS record ids or sequence fields differ in shape")
        real_mod = next(r for r in real[8:] if r.startswith("   ") and r[10] == "7")
        our_mod = next(r for r in ours[8:] if r.startswith("   ") and r[10] == "7")
        R.check(real_mod[:3] == our_mod[:3] and real_mod[10] == our_mod[10], where,
                "HCPCS modifier record shape differs")
    ptp_real = official / "ncci" / "ptp" / "ccipra-v322r0-f1.excerpt.txt"
    if ptp_real.exists():
        real = ptp_real.read_bytes().decode("ascii").split("\n")[:6]
        R.check(real == PTP_HEADER, where, "PTP header lines differ from the real excerpt")
    mue_real = official / "ncci" / "mue" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
    if mue_real.exists():
        real = list(csv.reader(io.StringIO(mue_real.read_bytes().decode("cp1252"),
                                           newline="")))
        R.check(real[1] == MUE_HEADER and len(real[0]) == 4 and real[0][1:] == ["", "", ""],
                where, "MUE notice/header records differ in shape from the real file")
        R.check({r[2] for r in real[2:]} >= {r[2] for r in check_mue.rows[2:]}, where,
                "MUE adjudication texts not all seen in the real file")
        R.check({r[3] for r in real[2:]} >= {r[3] for r in check_mue.rows[2:]}, where,
                "MUE rationales not all seen in the real file")
    R.note(f"layout compared with {official}")


def xlsx_rows(path):
    """Rows of the first sheet of an .xlsx as dicts keyed by the header row."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    z = zipfile.ZipFile(path)
    strings = [
        "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)
    ]
    sheet = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]
    rows = []
    for r in ET.fromstring(z.read(sheet)).iter(f"{{{ns['m']}}}row"):
        row = {}
        for c in r.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group()
            v = c.find("m:v", ns)
            if c.get("t") == "s":
                row[col] = strings[int(v.text)]
            elif c.get("t") == "inlineStr":
                row[col] = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t"))
            else:
                row[col] = v.text if v is not None else ""
        rows.append(row)
    header = {v: k for k, v in rows[0].items()}
    return [{name: row.get(col, "") for name, col in header.items()} for row in rows[1:]]


NOTE_KINDS = ("notes", "includes", "inclusionTerm", "codeFirst", "useAdditionalCode",
              "codeAlso", "excludes1", "excludes2", "sevenChrNote", "sevenChrDef")


def tabular_notes(path):
    """{(owner, kind): [note texts]} and {owner: title} for chapters, sections and diags."""
    notes, titles = {}, {}

    def add(owner, el):
        for kind in NOTE_KINDS:
            for block in el.findall(kind):
                texts = notes.setdefault((owner, kind), [])
                texts += [n.text or "" for n in block.findall("note")]
                texts += [f"{e.get('char')}={e.text}" for e in block.findall("extension")]

    root = ET.parse(path).getroot()
    for chapter in root.findall("chapter"):
        owner = f"chapter {chapter.findtext('name')}"
        titles[owner] = chapter.findtext("desc")
        add(owner, chapter)
        for sec in chapter.findall("section"):
            titles[f"section {sec.get('id')}"] = sec.findtext("desc")
            add(f"section {sec.get('id')}", sec)
        for d in chapter.iter("diag"):
            add(d.findtext("name"), d)
    return notes, titles


def compare_content(sample, official, cm_records, pcs_records, hcpcs):
    """Every sample code exists officially with the same flag and long description."""
    where = "content vs official"

    def order(path):
        out = {}
        with path.open("rb") as f:
            for raw in f:
                line = raw.decode("ascii").rstrip("\r\n")
                out[line[6:13].rstrip()] = (line[14] == "1", line[77:])
        return out

    for label, records, path in (
        ("ICD-10-CM", cm_records, official / "icd10cm" / "icd10cm_order_2026.txt"),
        ("ICD-10-PCS", pcs_records, official / "icd10pcs" / "icd10pcs_order_2026.txt"),
    ):
        if not path.exists():
            continue
        real = order(path)
        for _, code, billable, _, long in records:
            if R.check(code in real, where, f"{label} {code} is not an official code"):
                R.check(real[code][0] == billable, where, f"{label} {code}: header flag differs")
                R.check(real[code][1] == long, where, f"{label} {code}: long title differs")
        R.note(f"{label}: {len(records)} sample codes checked against {path.name}")
    xml_real = official / "icd10cm" / "icd10c-tabular-April-1-2026.xml"
    if xml_real.exists():
        real, real_titles = tabular_notes(xml_real)
        ours, our_titles = tabular_notes(sample / ICD10CM_XML)
        count = 0
        for (owner, kind), notes in ours.items():
            for i, note in enumerate(notes):
                count += 1
                R.check(note in real.get((owner, kind), []), where,
                        f"ICD-10-CM {owner}: <{kind}> note #{i + 1} is not an official note there")
        for owner, title in our_titles.items():
            R.check(real_titles.get(owner) == title, where, f"ICD-10-CM {owner}: title differs")
        R.note(f"ICD-10-CM: {count} tabular notes and 7th characters, {len(our_titles)} titles "
               f"checked against {xml_real.name}")
    xlsx = official / "hcpcs" / "2025-oct" / "HCPC2025_OCT_ANWEB_v4.xlsx"
    if xlsx.exists():
        real = {r["HCPC"].strip(): r for r in xlsx_rows(xlsx)}
        for code, e in hcpcs.items():
            if R.check(code in real, where, f"HCPCS {code} is not in {xlsx.name}"):
                # The TXT splits the description over records; compare with spaces collapsed.
                ours = " ".join(e["long"].split())
                R.check(" ".join(real[code]["LONG DESCRIPTION"].split()) == ours, where,
                        f"HCPCS {code}: long description differs")
        R.note(f"HCPCS: {len(hcpcs)} sample codes and modifiers checked against {xlsx.name} "
               "(October 2025; the sample is the January 2026 release)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=Path, default=HERE.parent.parent / "data" / "sample")
    ap.add_argument("--official", type=Path,
                    default=Path(os.environ["CODEDESK_CODESETS"])
                    if os.environ.get("CODEDESK_CODESETS") else None)
    ap.add_argument("--content", action="store_true")
    args = ap.parse_args()
    sample = args.sample

    expected = [ICD10CM_ORDER, ICD10CM_XML, ICD10CM_ADDENDA, ICD10PCS_ORDER, HCPCS_FILE,
                MUE_FILE, PTP_FILE, CPT_FILE, CPT_MODIFIER_FILE, "README.md"]
    for name in expected:
        R.check((sample / name).exists(), str(sample), f"{name} is missing")
    if R.errors:
        return finish()

    cm = check_cm_order(sample)
    check_cm_xml(sample, cm)
    check_cm_addenda(sample, cm)
    pcs = check_pcs(sample)
    hcpcs = check_hcpcs(sample)
    cpt_codes = check_cpt(sample, CPT_FILE, "code", r"\d{4}[0-9FTU]")
    check_cpt(sample, CPT_MODIFIER_FILE, "modifier", r"[0-9]{2}")
    level2 = {c for c, e in hcpcs.items() if not e["modifier"]}
    R.check(not (cpt_codes & level2), CPT_FILE, "a code is both CPT and HCPCS Level II")
    terminated = {c for c, e in hcpcs.items() if e["term"].strip()}
    billable = cpt_codes | level2
    check_mue.rows = check_mue(sample, billable, terminated)
    check_ptp(sample, billable, terminated)
    billable_cm = sum(1 for r in cm if r[2])
    R.note(f"{ICD10CM_ORDER}: {len(cm)} lines ({billable_cm} billable, "
           f"{len(cm) - billable_cm} headers)")
    R.note(f"{ICD10PCS_ORDER}: {len(pcs)} lines "
           f"({sum(1 for r in pcs if r[2])} codes, {sum(1 for r in pcs if not r[2])} tables)")

    if args.official:
        if R.check(args.official.is_dir(), "--official", f"{args.official} is not a folder"):
            compare_layout(sample, args.official)
            if args.content:
                compare_content(sample, args.official, cm, pcs, hcpcs)
    elif args.content:
        R.check(False, "--content", "needs --official DIR or CODEDESK_CODESETS")
    return finish()


def finish():
    for n in R.notes:
        print(f"ok: {n}")
    for e in R.errors:
        print(f"FAIL: {e}")
    print(f"{len(R.errors)} problem(s)")
    return 1 if R.errors else 0


if __name__ == "__main__":
    sys.exit(main())
