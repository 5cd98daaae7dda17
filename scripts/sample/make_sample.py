#!/usr/bin/env python3
"""Write codedesk's code-set sample (data/sample/) in the official CMS/CDC file formats.

The content is the hand-written data in this folder (icd10cm.py, icd10pcs.py, hcpcs.py,
ncci.py, cpt.py); this script only lays it out byte for byte as the official files are laid
out (see ../shared/codesets/README.md): fixed-width order files, the tabular XML, the HCPCS
320-byte records, the NCCI PTP tab file, the MUE CSV, and codedesk's CPT CSV.

Usage: python3 scripts/sample/make_sample.py [OUT_DIR]     (default: data/sample)
Python 3.11 standard library only. Output is deterministic: running it twice gives the same bytes.
"""

import csv
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cpt  # noqa: E402
import hcpcs  # noqa: E402
import icd10cm  # noqa: E402
import icd10cm_addenda  # noqa: E402
import icd10pcs  # noqa: E402
import ncci  # noqa: E402
from tabular import NOTE_KINDS  # noqa: E402

CRLF = "\r\n"

# File names keep the official patterns: the importer reads the version from them.
ICD10CM_ORDER = "icd10cm_order_2026.txt"
ICD10CM_XML = "icd10cm_tabular_2026.xml"
ICD10CM_ADDENDA = "icd10cm_order_addenda_2026.txt"
ICD10PCS_ORDER = "icd10pcs_order_2026.txt"
HCPCS_FILE = "HCPC2026_JAN_ANWEB.txt"
MUE_FILE = "MCR_MUE_PractitionerServices_Eff_01-01-2026.csv"
PTP_FILE = "ccipra-v320r0-f1.txt"
CPT_FILE = "cpt_2026_sample.csv"
CPT_MODIFIER_FILE = "cpt_modifiers_2026_sample.csv"


# --- short titles -------------------------------------------------------------------------------
# The official short titles are CMS abbreviations of the long title. Where we give none by hand,
# we abbreviate in the same style, one rule at a time, until the title fits. These are our
# abbreviations: the long titles are the official wording, the short ones may differ from CMS's.

CM_ABBREVIATIONS = [
    (r"\bwithout\b", "w/o"),
    (r"\bwith\b", "w"),
    (r"\bunspecified\b", "unsp"),
    (r"\bUnspecified\b", "Unsp"),
    (r"\bsubsequent encounter\b", "subs encntr"),
    (r"\binitial encounter\b", "init encntr"),
    (r"\bencounter\b", "encntr"),
    (r"\bEncounter\b", "Encntr"),
    (r"\bfracture\b", "fx"),
    (r"\bFracture\b", "Fx"),
    (r"\bother\b", "oth"),
    (r"\bOther\b", "Oth"),
    (r"\bdiabetes mellitus\b", "diabetes"),
    (r"\bscreening\b", "screen"),
    (r"\bmalignant neoplasm\b", "malig neoplm"),
    (r"\bexamination\b", "exam"),
    (r"\babnormal\b", "abn"),
    (r"\broutine healing\b", "routn heal"),
    (r"\bdelayed healing\b", "delay heal"),
    (r"\btype IIIA, IIIB, or IIIC\b", "type 3A/B/C"),
    (r"\btype I or II\b", "type I/2"),
    (r"\bclosed\b", "clos"),
    (r"\bopen\b", "opn"),
    (r"\bsubs encntr for\b", "subs for"),
    (r"\binit encntr for\b", "init for"),
    (r"\bchronic kidney disease\b", "chr kidney disease"),
    (r"\bend stage renal disease\b", "ESRD"),
    (r"\bHypertensive heart and chr kidney disease\b", "Hyp hrt & chr kdny dis"),
    (r"\bHypertensive\b", "Hyp"),
    (r"\bheart failure\b", "heart fail"),
    (r"\bstage\b", "stg"),
    (r"\bdisease\b", "dis"),
    (r"\bdiabetic\b", "diab"),
    (r"\bType 2 diabetes\b", "Type 2 diab"),
    (r"\bType 1 diabetes\b", "Type 1 diab"),
    (r"\bretinopathy\b", "rtnop"),
    (r"\bnonproliferative\b", "nonprlf"),
    (r"\bmacular edema\b", "mclr edema"),
    (r"\bdiab rtnop\b", "rtnop"),
    (r"\bintervertebral\b", "intvrt"),
    (r"\bdegeneration\b", "degen"),
    (r"\blumbosacral\b", "lumbosacr"),
    (r"\bregion\b", "rgn"),
    (r"\blower extremity\b", "low extrm"),
    (r"\bmyelopathy\b", "myelopath"),
    (r"\bradiculopathy\b", "radiculopath"),
    (r"\boccipito-atlanto-axial\b", "occipt-atlan-ax"),
    (r"\bsacrococcygeal\b", "sacrocyg"),
    (r"\bthoracolumbar\b", "thoracolum"),
    (r"\bcervicothoracic\b", "cervicothor"),
    (r"\bInfection and inflammatory reaction\b", "Infect/inflm reaction"),
    (r"\bprosthesis\b", "prosth"),
    (r"\binternal\b", "int"),
    (r"\bnot specified as traumatic\b", "not spcf as trauma"),
    (r"\bshoulder\b", "shldr"),
    (r"\brotator cuff\b", "rotatr-cuff"),
    (r"\bIncomplete\b", "Incmpl"),
    (r"\bpredominantly\b", "predom"),
    (r"\bMajor depressive disorder\b", "Major depressv disorder"),
    (r"\bsingle episode\b", "single epsd"),
    (r"\bpsychotic\b", "psych"),
    (r"\bAtherosclerotic heart disease\b", "Athscl heart disease"),
    (r"\bAtherosclerotic heart dis\b", "Athscl heart dis"),
    (r"\bangina pectoris\b", "ang pctrs"),
    (r"\bChronic obstructive pulmonary dis\b", "COPD"),
    (r"\blower respiratory infection\b", "lower resp infct"),
    (r"\bsyndrome\b", "synd"),
    (r"\bantithrombotics/antiplatelets\b", "antithrom/antipltlts"),
    (r"\banticoagulants\b", "anticoag"),
    (r"\binjectable non-insulin antidiabetic drugs\b", "inject non-insulin antidiab drugs"),
    (r"\bnon-steroidal anti-inflammatories\b", "non-steroidal anti-inflam"),
    (r"\bmental health and behavioral disorders\b", "mental hlth and behavrl disord"),
    (r"\bnutritional, metabolic and oth endocrine disorders\b",
     "nutritional, metabolic and oth endo disord"),
    (r"\bcomplications\b", "comp"),
    (r"\bcomplication\b", "comp"),
    (r"\bhyperosmolarity\b", "hyprosm"),
    (r"\bnonketotic hyperglycemic-hyperosmolar coma\b", "nonket hyprgly-hypros coma"),
    (r"\bneurological\b", "neuro"),
    (r"\bperipheral angiopathy\b", "periph angiopath"),
    (r"\bcirculatory\b", "circ"),
    (r"\bneuropathic arthropathy\b", "neuropathic arthrop"),
    (r"\bresolved following treatment\b", "resolved fol trtmt"),
    (r"\bsuspected or reported diagnosis\b", "susp or reprtd dx"),
    (r"\bEncntr for screen exam\b", "Encntr screen exam"),
    (r"\bComplications\b", "Comp"),
    (r"\borthopedic prosthetic devices\b", "orth prosth dev"),
    (r"\bjoint\b", "jt"),
    (r"\btear or rupture\b", "tear/rupt"),
    (r"\bComplete\b", "Cmpl"),
    (r"\blumbar rgn\b", "lum rgn"),
    (r"\bdiscogenic back pain\b", "discogen bk pain"),
    (r"\bw/o mention of lumbar back pain\b", "w/o lum back pain"),
    (r"\bdiscogen bk pain and low extrm pain\b", "discogen bk & low extrm pain"),
    (r"\bOth intvrt disc degen\b", "Oth intvrt disc dgen"),
    (r"\bdiscogen bk & low extrm pain\b", "discogen bk & leg pain"),
    (r"\bw/o lum back pain or low extrm pain\b", "w/o lum bk or low extrm pain"),
    (r"\bnot spcf as trauma\b", "not spcf trauma"),
    (r"\bThoracic, thoracolum and lumbosacr\b", "Thor, thrl and lumbosacr"),
    (r"\bOth thoracic, thoracolum and lumbosacr\b", "Oth thor, thrl and lumbosacr"),
    (r"\bdisorders\b", "disord"),
    (r"\brespiratory infections\b", "resp infections"),
    (r"\bMajor depressv disorder\b", "Major depressv disord"),
    (r"\bsevere\b", "sev"),
    (r"\bAttention-deficit hyperactivity disorder\b", "Attn-defct hyperactivity disorder"),
    (r"\bFx of\b", "Fx"),
    (r"\bpart of neck of\b", "nk of"),
    (r"\blower end of\b", "low end"),
    (r"\bright\b", "r"),
    (r"\bleft\b", "l"),
    (r"\bbilateral\b", "bi"),
    (r"\bsequela\b", "sqla"),
]

PCS_ABBREVIATIONS = [
    (r"\bPercutaneous Endoscopic Approach\b", "Perc Endo Approach"),
    (r"\bVia Natural or Artificial Opening Endoscopic\b", "Via Opening Endo"),
    (r"\bVia Natural or Artificial Opening\b", "Via Opening"),
    (r"\bSynthetic Substitute\b", "Synth Sub"),
    (r"\bAutologous Tissue Substitute\b", "Autol Sub"),
    (r"\bNonautologous Tissue Substitute\b", "Nonaut Sub"),
    (r"\bAutologous Venous Tissue\b", "Autol Vn"),
    (r"\bInterbody Fusion Device\b", "Intbd Fus Dev"),
    (r"\bInternal Fixation Device\b", "Int Fix"),
    (r"\bDrug-eluting Intraluminal Device\b", "Drug-elut Intralum Dev"),
    (r"\bIntraluminal Device\b", "Intralum Dev"),
    (r"\bRight\b", "R"),
    (r"\bLeft\b", "L"),
    (r"\bJoints\b", "Jts"),
    (r"\bJoint\b", "Jt"),
    (r"\bVertebral\b", "Vert"),
    (r"\bAnterior\b", "Ant"),
    (r"\bPosterior\b", "Post"),
    (r"\bApproach\b", "Appr"),
    (r"\bPercutaneous\b", "Perc"),
    (r"\bColumn\b", "Col"),
    (r"\bCemented\b", "Cement"),
    (r"\bUncemented\b", "Uncement"),
    (r"\bReplacement of\b", "Replace"),
    (r"\bIntroduction of\b", "Introduce"),
    (r"\bTransfusion of\b", "Transfuse"),
    (r"\bNonautologous\b", "Nonaut"),
    (r"\bPeripheral\b", "Periph"),
    (r"\bCoronary Artery\b", "Cor Art"),
    (r"\bOne Artery\b", "1 Art"),
    (r"\bTwo Arteries\b", "2 Art"),
    (r"\bProducts of Conception\b", "POC"),
    (r"\bPolyethylene\b", "Polyeth"),
    (r"\b2 or more\b", "2+"),
    (r"\bInfusion Device\b", "Infusion Dev"),
    (r"\bSuperior Vena Cava\b", "Sup Vena Cava"),
    (r"\bDrainage Device\b", "Drain Dev"),
    (r"\bAnti-inflammatory\b", "Anti-inflam"),
    (r"\bSerum, Toxoid and Vaccine\b", "Serum/Toxoid/Vaccine"),
    (r"\bOther Therapeutic Substance\b", "Oth Therap Sub"),
    (r"\bAnesthetic Agent\b", "Anesthetic"),
    (r"\bNerves and Plexi\b", "Nrv/Plex"),
    (r"\bSubcutaneous Tissue\b", "Subcu"),
    (r"\bfrom Left Internal Mammary\b", "from L Int Mammary"),
    (r"\bfrom L Internal Mammary\b", "from L Int Mammary"),
    (r"\bMeasurement of\b", "Measure"),
    (r"\bLow Osmolar Contrast\b", "Lo Osm Contrast"),
    (r"\bMultiple\b", "Mult"),
    (r"\bUpper Intestinal Tract\b", "Up Intest Tract"),
    (r"\bLower Intestinal Tract\b", "Low Intest Tract"),
    (r"\bDiagnostic\b", "Diagn"),
    (r"\bContinuous Positive Airway Pressure\b", "CPAP"),
    (r"\bDilation of\b", "Dilate"),
    (r"\bCervical\b", "Cerv"),
    (r"\bLumbar\b", "Lum"),
    (r"\bFusion of\b", "Fusion"),
    (r"\bOpen Appr\b", "Open"),
    (r"\bAnt Appr, Ant Col\b", "Ant Appr A Col"),
    (r"\bPost Appr, Ant Col\b", "Post Appr A Col"),
    (r"\bPost Appr, Post Col\b", "Post Appr P Col"),
    (r"\bSubstitute\b", "Sub"),
    (r"\bVert Jts\b", "Jts"),
    (r"\bCeramic on Polyeth\b", "Ceramic/Poly"),
    (r"\bMedial Unicondylar\b", "Med Unicondylar"),
    (r"\bHip Jt, Femoral Surface\b", "Hip Fem Surf"),
    (r"\bRed Blood Cells\b", "RBC"),
    (r"\bLess than\b", "<"),
    (r"\bGreater than\b", ">"),
    (r"\bConsecutive Hours\b", "Consec Hrs"),
    (r"\bPerformance of\b", "Perform"),
    (r"\bHours Per Day\b", "Hrs/Day"),
    (r"\bRespiratory Ventilation\b", "Resp Vent"),
    (r"\bExtracorporeal or Systemic Assistance and Performance\b", "Extracorporeal Assist/Perform"),
    (r"\bAdministration\b", "Admin"),
    (r"\bPhysiological Systems\b", "Physiol Systems"),
    (r"\bMeasurement and Monitoring\b", "Measure and Monitor"),
    (r"\bPhysiological Systems and Anatomical Regions\b", "Physiol Sys and Anat Regions"),
    (r"\bwith\b", "w"),
]


# Our short forms of the 7th-character meanings, appended to the abbreviated parent title.
SEVEN_SHORT = {
    "initial encounter for closed fracture": "init for clos fx",
    "initial encounter for open fracture type I or II": "init for opn fx type I/2",
    "initial encounter for open fracture type IIIA, IIIB, or IIIC": "init opn fx type 3A/B/C",
    "subsequent encounter for closed fracture with routine healing": "subs for clos fx w routn heal",
    "subsequent encounter for open fracture type I or II with routine healing":
        "subs opn fx type I/2 w routn heal",
    "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with routine healing":
        "subs opn fx 3A/B/C w routn heal",
    "subsequent encounter for closed fracture with delayed healing": "subs for clos fx w delay heal",
    "subsequent encounter for open fracture type I or II with delayed healing":
        "subs opn fx type I/2 w delay heal",
    "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with delayed healing":
        "subs opn fx 3A/B/C w delay heal",
    "subsequent encounter for closed fracture with nonunion": "subs for clos fx w nonunion",
    "subsequent encounter for open fracture type I or II with nonunion":
        "subs opn fx type I/2 w nonunion",
    "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with nonunion":
        "subs opn fx 3A/B/C w nonunion",
    "subsequent encounter for closed fracture with malunion": "subs for clos fx w malunion",
    "subsequent encounter for open fracture type I or II with malunion":
        "subs opn fx type I/2 w malunion",
    "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with malunion":
        "subs opn fx 3A/B/C w malunion",
    "subsequent encounter for fracture with routine healing": "subs for fx w routn heal",
    "subsequent encounter for fracture with delayed healing": "subs for fx w delay heal",
    "subsequent encounter for fracture with nonunion": "subs for fx w nonunion",
    "subsequent encounter for fracture with malunion": "subs for fx w malunion",
    "sequela": "sequela",
    "initial encounter": "init",
    "subsequent encounter": "subs",
    "right eye": "right eye",
    "left eye": "left eye",
    "bilateral": "bilateral",
    "unspecified eye": "unsp eye",
}


def abbreviate(text, rules, width):
    """Apply `rules` one at a time until `text` fits in `width` characters."""
    for pattern, replacement in rules:
        if len(text) <= width:
            break
        text = re.sub(pattern, replacement, text)
    if len(text) > width:
        raise SystemExit(f"no abbreviation fits {width} characters: {text!r}")
    return text


# --- ICD-10-CM ----------------------------------------------------------------------------------


def cm_code(name):
    """'M54.16' -> 'M5416'."""
    return name.replace(".", "")


def seven_code(name, char):
    """'T84.50' + 'A' -> 'T8450XA': placeholder X pads the code to 6 characters."""
    return cm_code(name).ljust(6, "X") + char


def cm_records():
    """The order-file records of the ICD-10-CM tree: (code, billable, short, long), tabular order.

    A diag without children is billable unless a 7th character applies to it (its own or an
    ancestor's sevenChrDef); then it is a header followed by its 7-character codes.
    """
    records = []

    def walk(d, seven):
        seven = d.seven or seven
        code = cm_code(d.name)
        short = d.short or abbreviate(d.desc, CM_ABBREVIATIONS, 60)
        if d.children:
            records.append((code, False, short, d.desc))
            for child in d.children:
                walk(child, seven)
        elif seven is None:
            records.append((code, True, short, d.desc))
        else:
            records.append((code, False, short, d.desc))
            for char, meaning in seven.chars:
                long = f"{d.desc}, {meaning}"
                ext = SEVEN_SHORT[meaning]
                base = abbreviate(d.short or d.desc, CM_ABBREVIATIONS, 58 - len(ext))
                records.append((seven_code(d.name, char), True, f"{base}, {ext}", long))

    for chapter in icd10cm.CHAPTERS:
        for sec in chapter.sections:
            for d in sec.diags:
                walk(d, None)
    return records


def order_line(number, code, billable, short, long):
    """One line of a CMS order file (ICD-10-CM and ICD-10-PCS share the layout)."""
    if len(code) > 7 or len(short) > 60:
        raise SystemExit(f"{code}: field too long")
    return f"{number:05d} {code:<7} {'1' if billable else '0'} {short:<60} {long}".rstrip()


def write_order_file(path, records):
    lines = [order_line(n, *r) for n, r in enumerate(records, start=1)]
    path.write_bytes(("".join(line + CRLF for line in lines)).encode("ascii"))
    return len(lines)


def xml_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class XmlWriter:
    """Indented XML in the layout of the CDC tabular file: two spaces a level, CRLF."""

    def __init__(self):
        self.lines = []
        self.depth = 0

    def line(self, text):
        self.lines.append("  " * self.depth + text)

    def open(self, tag, attrs=""):
        self.line(f"<{tag}{attrs}>")
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.line(f"</{tag}>")

    def leaf(self, tag, text, attrs=""):
        self.line(f"<{tag}{attrs}>{xml_text(text)}</{tag}>")

    def notes(self, notes):
        for kind in NOTE_KINDS:
            if kind in notes:
                self.open(kind)
                for note in notes[kind]:
                    self.leaf("note", note)
                self.close(kind)

    def bytes(self):
        return "".join(line + CRLF for line in self.lines).encode("utf-8")


def section_bounds(section_id):
    first, _, last = section_id.partition("-")
    return first, last or first


def section_title(desc):
    """'Other dorsopathies (M50-M54)' -> 'Other dorsopathies'."""
    return re.sub(r"\s*\([^()]*\)$", "", desc)


def write_tabular_xml(path):
    w = XmlWriter()
    w.line('<?xml version="1.0" encoding="utf-8"?>')
    w.open("ICD10CM.tabular")
    w.leaf("version", "2026")
    w.open("introduction")
    w.open("introSection", ' type="title"')
    w.leaf("title", "ICD-10-CM TABULAR LIST of DISEASES and INJURIES")
    w.close("introSection")
    w.open("introSection", ' type="instruction"')
    w.leaf("title", "codedesk sample")
    w.open("instruction")
    w.leaf(
        "note",
        "This is a small sample written for codedesk in the layout of the official tabular "
        "file. It holds a selection of categories and notes, not the whole classification.",
    )
    w.close("instruction")
    w.close("introSection")
    w.close("introduction")

    def diag(d):
        w.open("diag")
        w.leaf("name", d.name)
        w.leaf("desc", d.desc)
        w.notes(d.notes)
        if d.seven:
            w.open("sevenChrNote")
            w.leaf("note", d.seven.note)
            w.close("sevenChrNote")
            w.open("sevenChrDef")
            for char, meaning in d.seven.chars:
                w.leaf("extension", meaning, f' char="{char}"')
                if char in d.seven.inner_notes:
                    w.leaf("note", d.seven.inner_notes[char])
            w.close("sevenChrDef")
        for child in d.children:
            diag(child)
        w.close("diag")

    count = 0
    for chapter in icd10cm.CHAPTERS:
        w.open("chapter")
        w.leaf("name", chapter.name)
        w.leaf("desc", chapter.desc)
        w.notes(chapter.notes)
        w.open("sectionIndex")
        for sec in chapter.sections:
            first, last = section_bounds(sec.id)
            w.open("sectionRef", f' first="{first}" last="{last}" id="{sec.id}"')
            w.line(" " + xml_text(section_title(sec.desc)))
            w.close("sectionRef")
        w.close("sectionIndex")
        for sec in chapter.sections:
            w.open("section", f' id="{sec.id}"')
            w.leaf("desc", sec.desc)
            w.notes(sec.notes)
            for d in sec.diags:
                diag(d)
            w.close("section")
        w.close("chapter")
    w.close("ICD10CM.tabular")
    path.write_bytes(w.bytes())
    return len(w.lines)


def write_cm_addenda(path, records):
    """The order-file addenda: labelled records, then the header and code summary counts."""
    by_code = {code: (billable, short, long) for code, billable, short, long in records}
    lines = []
    counts = {True: dict(add=0, delete=0, revise=0), False: dict(add=0, delete=0, revise=0)}
    revise_kinds = {True: [0, 0, 0], False: [0, 0, 0]}  # both, long only, short only

    def record(billable, code, short, long):
        return f"{'1' if billable else '0'} {code:<7} {short:<60} {long}".rstrip()

    for change in icd10cm_addenda.CHANGES:
        kind, code = change[0], change[1]
        if kind == "Add":
            billable, short, long = by_code[code]
            lines.append(f"{'Add:':<13}{record(billable, code, short, long)}")
            counts[billable]["add"] += 1
        elif kind == "Delete":
            _, _, billable, short, long = change
            if code in by_code and by_code[code][0] == billable:
                raise SystemExit(f"addenda: deleted code {code} is in the sample order file")
            lines.append(f"{'Delete:':<13}{record(billable, code, short, long)}")
            counts[billable]["delete"] += 1
        elif kind == "Revise":
            _, _, old_short, old_long = change
            billable, short, long = by_code[code]
            lines.append(f"{'Revise from:':<13}{record(billable, code, old_short, old_long)}")
            lines.append(f"{'Revise to:':<13}{record(billable, code, short, long)}")
            counts[billable]["revise"] += 1
            both = old_short != short and old_long != long
            index = 0 if both else (1 if old_long != long else 2)
            revise_kinds[billable][index] += 1
        else:
            raise SystemExit(f"addenda: unknown change {kind}")

    total = {flag: sum(1 for r in records if r[1] == flag) for flag in (True, False)}
    lines.append("")
    for flag, title, noun in ((False, "Headers", "headers"), (True, "Codes", "codes")):
        c = counts[flag]
        before = total[flag] - c["add"] + c["delete"]
        both, long_only, short_only = revise_kinds[flag]
        lines += [
            title,
            f"{before:>7} {noun} in icd10cm_order_2025.txt",
            f"{total[flag]:>7} {noun} in icd10cm_order_2026.txt",
            f"{c['add']:>7} additions",
            f"{c['delete']:>7} deletions",
            f"{c['revise']:>7} revisions",
            "of which",
            f"{both:>7} revisions to both long and short titles",
            f"{long_only:>7} revisions to long title only",
            f"{short_only:>7} revisions to short title only",
        ]
        if flag is False:
            lines.append("")
    path.write_bytes("".join(line + CRLF for line in lines).encode("ascii"))
    return len(icd10cm_addenda.CHANGES)


# --- ICD-10-PCS ---------------------------------------------------------------------------------


def pcs_records():
    records = []
    for table, title, codes in icd10pcs.TABLES:
        records.append((table, False, abbreviate(title, PCS_ABBREVIATIONS, 60), title))
        for code, long, *short in codes:
            if not code.startswith(table) or len(code) != 7:
                raise SystemExit(f"PCS {code} is not a 7-character code of table {table}")
            short = short[0] if short else abbreviate(long, PCS_ABBREVIATIONS, 60)
            records.append((code, True, short, long))
    return records


# --- HCPCS Level II -----------------------------------------------------------------------------

HCPCS_WIDTH = 320


def wrap80(text):
    """Split a long description into pieces for the 80-character field, at spaces.

    Like the CMS file, a piece that is continued is at most 79 characters (the field always
    keeps a blank after the last word); the last piece may use all 80.
    """
    pieces, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= 79:
            line = candidate
        else:
            if not line:
                raise SystemExit(f"HCPCS: a word longer than 80 characters in {text!r}")
            pieces.append(line)
            line = word
    pieces.append(line)
    # A last piece of exactly 80 characters fits too: merge it back when it does.
    if len(pieces) > 1 and len(f"{pieces[-2]} {pieces[-1]}") <= 80:
        pieces[-2:] = [f"{pieces[-2]} {pieces[-1]}"]
    return pieces


def put(record, start, end, value):
    """Place `value` at 1-based positions start..end of a list of characters, space padded."""
    width = end - start + 1
    if len(value) > width:
        raise SystemExit(f"HCPCS: {value!r} does not fit positions {start}-{end}")
    record[start - 1:end] = list(value.ljust(width))


def hcpcs_records(entry, modifier):
    """The 320-byte records of one code or modifier: first record, then continuations."""
    code = entry["code"].rjust(5) if modifier else entry["code"]
    pieces = wrap80(entry["long"])
    out = []
    for i, piece in enumerate(pieces):
        r = [" "] * HCPCS_WIDTH
        put(r, 1, 5, code)
        put(r, 6, 10, f"{(i + 1) * 100:05d}")
        first = i == 0
        put(r, 11, 11, ("7" if first else "8") if modifier else ("3" if first else "4"))
        put(r, 12, 91, piece)
        if first:
            short = entry["short"]
            if len(short) > 28:
                raise SystemExit(f"HCPCS {entry['code']}: short description over 28 characters")
            put(r, 92, 119, short)
            put(r, 120, 127, "".join(p.ljust(2) for p in entry.get("price", [])))
            put(r, 128, 128, entry.get("mult_price", ""))
            put(r, 230, 230, entry.get("coverage", ""))
            put(r, 257, 259, entry.get("betos", ""))
            put(r, 261, 265, entry.get("tos", ""))
            if not modifier:
                put(r, 266, 268, f"{entry.get('anesthesia_units', 0):>3}")
            put(r, 269, 276, entry["added"])
            put(r, 277, 284, entry.get("action_effective", entry["added"]))
            put(r, 285, 292, entry.get("terminated", ""))
            put(r, 293, 293, entry.get("action", "N"))
        out.append("".join(r))
    return out


def write_hcpcs(path):
    lines = []
    # 8 header lines as in the official TXT: a disclaimer block padded with tabs to the
    # spreadsheet width, 0xA0 no-break spaces where CMS has them, and two empty lines.
    tabs = "\t" * 45
    lines += [
        "***Disclaimers" + tabs,
        tabs,
        "*codedesk sample, not the CMS file: a few Level II codes and modifiers written by the "
        "codedesk project in the CMS record layout.\xa0" + tabs,
        tabs,
        "*Inclusion of a code does not imply coverage or payment; import the CMS release "
        "for real use.\xa0" + tabs,
        "\xa0\xa0Administrative fields are illustrative.\xa0 " + tabs,
        "",
        "",
    ]
    entries = [(m, True) for m in hcpcs.MODIFIERS] + [(c, False) for c in hcpcs.CODES]
    entries.sort(key=lambda e: e[0]["code"].rjust(5) if e[1] else e[0]["code"])
    records = 0
    for entry, modifier in entries:
        for rec in hcpcs_records(entry, modifier):
            lines.append(rec)
            records += 1
    path.write_bytes("".join(line + CRLF for line in lines).encode("latin-1"))
    return len(hcpcs.CODES), len(hcpcs.MODIFIERS), records


# --- NCCI ---------------------------------------------------------------------------------------


def write_mue(path):
    buf = io.StringIO()
    notice = "\n\n".join(ncci.MUE_NOTICE)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([notice, "", "", ""])
    w.writerow(["HCPCS/\nCPT Code", "Practitioner Services MUE Values",
                "MUE Adjudication Indicator", "MUE Rationale"])
    mai_text = {1: "1 Line Edit", 2: "2 Date of Service Edit: Policy",
                3: "3 Date of Service Edit: Clinical"}
    rows = sorted(ncci.MUE, key=lambda r: r[0])
    for code, value, mai, rationale in rows:
        w.writerow([code, str(value), mai_text[mai], rationale])
    path.write_bytes(buf.getvalue().encode("cp1252"))
    return len(rows)


def write_ptp(path):
    header = [
        "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t",
        "Column1/Column2 Edits\t\t\t\t\t\t",
        "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
        "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
        "\t\t\t\t*=no data\t1=allowed\t",
        "\t\t\t\t\t9=not applicable\t",
    ]
    rows = sorted(ncci.PTP, key=lambda r: (r[0], r[1]))
    lines = header + [
        "\t".join([c1, c2, "*" if pre1996 else "", eff, deleted or "*", str(mod), rationale])
        for c1, c2, pre1996, eff, deleted, mod, rationale in rows
    ]
    # LF, as in the one real excerpt of this file we have.
    path.write_bytes("".join(line + "\n" for line in lines).encode("ascii"))
    return len(rows)


# --- CPT (codedesk's own CSV for a licensed file) ---------------------------------------------


def write_cpt_csv(path, first_column, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([first_column, "short_description", "long_description", "plain_description"])
    for code, short, long, plain in rows:
        w.writerow([code, short, cpt.PREFIX + long, plain])
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return len(rows)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "data" / "sample"
    out.mkdir(parents=True, exist_ok=True)
    cm = cm_records()
    n_cm = write_order_file(out / ICD10CM_ORDER, cm)
    n_xml = write_tabular_xml(out / ICD10CM_XML)
    n_add = write_cm_addenda(out / ICD10CM_ADDENDA, cm)
    n_pcs = write_order_file(out / ICD10PCS_ORDER, pcs_records())
    n_hc, n_mod, n_rec = write_hcpcs(out / HCPCS_FILE)
    n_mue = write_mue(out / MUE_FILE)
    n_ptp = write_ptp(out / PTP_FILE)
    n_cpt = write_cpt_csv(out / CPT_FILE, "code", cpt.CODES)
    n_cptm = write_cpt_csv(out / CPT_MODIFIER_FILE, "modifier", cpt.MODIFIERS)
    billable = sum(1 for r in cm if r[1])
    print(f"{ICD10CM_ORDER}: {n_cm} lines ({billable} billable, {n_cm - billable} headers)")
    print(f"{ICD10CM_XML}: {n_xml} lines")
    print(f"{ICD10CM_ADDENDA}: {n_add} changes")
    print(f"{ICD10PCS_ORDER}: {n_pcs} lines")
    print(f"{HCPCS_FILE}: {n_hc} codes, {n_mod} modifiers, {n_rec} records")
    print(f"{MUE_FILE}: {n_mue} rows")
    print(f"{PTP_FILE}: {n_ptp} rows")
    print(f"{CPT_FILE}: {n_cpt} rows; {CPT_MODIFIER_FILE}: {n_cptm} rows")


if __name__ == "__main__":
    main()
