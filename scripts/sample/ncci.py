"""NCCI sample rows: medically unlikely edits (MUE) and procedure-to-procedure (PTP) edits.

REPRESENTATIVE, NOT FOR BILLING. These rows were written by the codedesk project from public
knowledge of how NCCI edits look (which kinds of codes are paired, typical values, the
rationale strings CMS uses); they are not copied from the CMS files and many values are not
the current CMS values. A few values are the real ones and are marked. Users import the CMS
quarterly files for real answers.

Every code here is in the sample: a CPT code of cpt.py or a HCPCS code of hcpcs.py. No row
names a deleted code (J1020, J1030 and J1040 have none).
"""

# The notice record of the MUE file (paragraphs, written with blank lines between them).
MUE_NOTICE = [
    "CPT codes, descriptions and other data only are copyright 2025 American Medical "
    "Association. All rights reserved.",
    "CPT\u00ae is a registered trademark of the American Medical Association.",
    "codedesk sample: representative MUE values written by the codedesk project, not the CMS "
    "file and not for billing. Import the CMS release for real use.",
]

# MUE adjudication indicators: 1 line edit, 2 date of service edit (policy),
# 3 date of service edit (clinical).
_CLIN = "Clinical: Data"
_DESC = "Code Descriptor / CPT Instruction"
_POL = "CMS Policy"
_ANAT = "Anatomic Consideration"
_RX = "Prescribing Information"

# (code, MUE value, adjudication indicator, rationale)
MUE = [
    # Office visits: one new-patient visit a day; established visits 2 (99213 real: 2, MAI 3).
    *[(c, 1, 2, _DESC) for c in ("99202", "99203", "99204", "99205")],
    *[(c, 2, 3, _CLIN) for c in ("99211", "99212", "99213", "99214", "99215")],
    *[(c, 1, 2, _DESC) for c in ("99221", "99222", "99223", "99231", "99232", "99233",
                                 "99238", "99239")],
    *[(c, 2, 3, _CLIN) for c in ("99281", "99282", "99283", "99284", "99285")],
    ("99291", 1, 2, _DESC),
    ("99292", 8, 3, _CLIN),
    ("10060", 1, 2, _DESC),
    ("20550", 2, 3, _CLIN),
    ("20552", 1, 2, _DESC),
    ("20600", 4, 3, _CLIN),
    ("20604", 4, 3, _CLIN),
    ("20605", 2, 3, _CLIN),
    ("20606", 2, 3, _CLIN),
    ("20610", 2, 3, _CLIN),  # real: 2, MAI 3
    ("20611", 2, 3, _CLIN),
    ("62320", 1, 3, _CLIN),
    ("62321", 1, 3, _CLIN),
    ("62322", 1, 3, _CLIN),  # real: 1, MAI 3, Clinical: Data
    ("62323", 1, 3, _CLIN),  # real: 1, MAI 3
    ("64479", 1, 2, _POL),
    ("64483", 1, 2, _POL),  # real: 1, MAI 2, CMS Policy
    ("64484", 2, 3, _CLIN),
    *[(c, 1, 2, _POL) for c in ("64490", "64491", "64492", "64493", "64494", "64495")],
    ("64635", 1, 2, _POL),
    ("64721", 1, 2, _ANAT),
    ("22551", 1, 2, _DESC),
    ("22552", 4, 3, _CLIN),
    ("22612", 1, 2, _DESC),
    ("22630", 1, 2, _DESC),
    ("22633", 1, 2, _DESC),
    ("63047", 1, 2, _DESC),
    ("27130", 1, 2, _ANAT),
    ("27236", 1, 2, _ANAT),
    ("27447", 1, 2, _ANAT),
    ("29827", 1, 2, _ANAT),
    ("29877", 1, 2, _ANAT),
    ("29880", 1, 2, _ANAT),
    ("29881", 1, 2, _ANAT),
    ("44970", 1, 2, _ANAT),
    ("45378", 1, 2, _DESC),
    ("45380", 1, 2, _DESC),
    ("45385", 1, 2, _DESC),
    ("47562", 1, 2, _ANAT),
    ("72148", 1, 3, _CLIN),
    ("73721", 3, 3, _ANAT),
    ("76942", 1, 2, _POL),
    ("77002", 1, 3, _CLIN),
    ("77003", 1, 3, _CLIN),
    ("36415", 2, 3, _CLIN),
    ("80048", 1, 2, _POL),
    ("80053", 1, 2, _POL),
    ("81002", 2, 3, _CLIN),
    ("81003", 2, 3, _CLIN),
    ("83036", 2, 3, "Nature of Analyte"),
    ("85025", 2, 3, _CLIN),
    ("93000", 3, 3, _CLIN),
    ("93005", 3, 3, _CLIN),
    ("93010", 5, 3, _CLIN),
    ("96372", 4, 3, _CLIN),
    ("90471", 1, 2, _DESC),
    ("90472", 4, 3, _CLIN),
    ("90686", 1, 2, "Nature of Service/Procedure"),
    ("97110", 6, 3, _CLIN),
    ("97140", 4, 3, _CLIN),
    ("97530", 6, 3, _CLIN),
    *[(c, 1, 2, _DESC) for c in ("97161", "97162", "97163", "97164")],
    ("G0008", 1, 2, _POL),
    ("G0009", 1, 2, _POL),
    ("G0121", 1, 2, _POL),
    ("G0283", 1, 3, _CLIN),  # real: 1, MAI 3
    ("G0402", 1, 2, _POL),
    ("G0438", 1, 2, _POL),
    ("G0439", 1, 2, _POL),
    ("G0444", 1, 2, _POL),
    ("G2211", 1, 2, _POL),
    ("J0585", 600, 3, _RX),
    ("J0702", 6, 3, _RX),
    ("J0897", 120, 3, _RX),
    ("J1010", 240, 3, _RX),
    ("J1100", 20, 3, _RX),
    ("J1745", 150, 3, _RX),
    ("J1885", 8, 3, _RX),
    ("J2550", 3, 3, _RX),
    ("J3301", 16, 3, _RX),
    ("J3420", 1, 3, _RX),
    ("J7030", 5, 3, _RX),
    ("J9035", 180, 3, _RX),
    ("E0114", 1, 2, "Nature of Equipment"),
    ("E0601", 1, 2, "Nature of Equipment"),
]

# PTP rationale strings as CMS writes them.
MUTEX = "Mutually exclusive procedures"
STD = "Standards of medical/surgical practice"
MANUAL = "CPT Manual or CMS manual coding instruction"
MISUSE = "Misuse of Column Two code with Column One code"
EXTENSIVE = "More extensive procedure"
DEFINITION = "HCPCS/CPT procedure code definition"

_OFFICE_EM = ("99211", "99212", "99213", "99214", "99215")


def _with_em(column1, effective, pre1996=False):
    """A minor procedure bundles the same-day office visit unless the visit is separate
    (modifier 25 on the visit): modifier indicator 1."""
    return [(column1, em, pre1996, effective, None, 1, STD) for em in _OFFICE_EM]


# (column 1, column 2, in existence before 1996, effective YYYYMMDD, deleted YYYYMMDD or None,
#  modifier indicator 0/1/9, rationale)
PTP = [
    *_with_em("20610", "19960101", pre1996=True),
    *_with_em("20611", "20150101"),
    *_with_em("20552", "20020101"),
    *_with_em("64483", "20000101"),
    *_with_em("62323", "20170101"),
    *[("10060", em, True, "19960101", None, 1, STD) for em in ("99211", "99212", "99213")],
    ("96372", "99211", False, "20090101", None, 1, MISUSE),
    # Imaging guidance that the injection code already includes.
    *[(c, "76942", False, "20150101", None, 0, DEFINITION) for c in ("20604", "20606", "20611")],
    *[(c, "76942", False, "20150101", None, 0, MANUAL) for c in ("20600", "20605", "20610")],
    ("62321", "77003", False, "20170101", None, 0, DEFINITION),
    ("62323", "77003", False, "20170101", None, 0, DEFINITION),
    ("64479", "77003", False, "20000101", None, 0, MANUAL),
    ("64483", "77003", False, "20000101", None, 0, MANUAL),
    ("64490", "77003", False, "20100101", None, 0, MANUAL),
    ("64493", "77003", False, "20100101", None, 0, MANUAL),
    ("64635", "77003", False, "20120101", None, 0, MANUAL),
    # With and without guidance, or two approaches to the same target.
    ("62321", "62320", False, "20170101", None, 0, MUTEX),
    ("62323", "62322", False, "20170101", None, 0, MUTEX),
    ("20604", "20600", False, "20150101", None, 1, MUTEX),
    ("20606", "20605", False, "20150101", None, 1, MUTEX),
    ("20611", "20610", False, "20150101", None, 1, MUTEX),
    ("64483", "62322", False, "20170101", None, 1, STD),
    ("64483", "62323", False, "20170101", None, 1, STD),
    ("64493", "64483", False, "20100101", None, 1, STD),
    ("64635", "64493", False, "20120101", None, 1, STD),
    ("20552", "20550", False, "20020101", None, 1, STD),
    # Surgery includes the smaller procedures on the same joint or level.
    ("27447", "20610", True, "19960101", None, 1, STD),
    ("27447", "20611", False, "20150101", None, 1, STD),
    ("27447", "29877", True, "19960101", None, 1, STD),
    ("27447", "29880", True, "19960101", None, 1, STD),
    ("27447", "29881", True, "19960101", None, 1, STD),
    ("27130", "20610", True, "19960101", None, 1, STD),
    ("27130", "27236", True, "19960101", None, 0, MUTEX),
    ("29827", "20610", False, "20000101", None, 1, STD),
    ("29880", "29877", False, "20120101", None, 1, MANUAL),
    ("29881", "29877", False, "20120101", None, 1, MANUAL),
    ("29880", "29881", False, "20120101", None, 0, EXTENSIVE),
    ("22633", "22612", False, "20120101", None, 1, MANUAL),
    ("22633", "22630", False, "20120101", None, 1, MANUAL),
    ("22633", "63047", False, "20120101", None, 1, STD),
    ("22612", "63047", True, "19960101", None, 1, STD),
    ("22630", "63047", True, "19960101", None, 1, STD),
    ("63047", "64483", False, "20000101", None, 1, STD),
    ("45380", "45378", True, "19960101", None, 1, MANUAL),
    ("45385", "45378", True, "19960101", None, 1, MANUAL),
    # Components and overlapping tests.
    ("93000", "93005", True, "19960101", None, 0, DEFINITION),
    ("93000", "93010", True, "19960101", None, 0, DEFINITION),
    ("80053", "80048", False, "19980101", None, 0, DEFINITION),
    ("81003", "81002", False, "19980101", None, 0, MUTEX),
    # Therapy.
    ("97530", "97140", False, "20200101", None, 1, MUTEX),
    # Edits deleted on the day they took effect carry modifier indicator 9.
    *[(c, "97530", False, "20200101", "20200101", 9, MUTEX)
      for c in ("97161", "97162", "97163", "97164")],
    ("97014", "G0283", False, "20030101", None, 0, MUTEX),
    # Level II codes.
    ("G0438", "G0439", False, "20110101", None, 0, MUTEX),
    ("G0402", "G0438", False, "20110101", None, 0, MUTEX),
    ("90471", "96372", False, "20090101", None, 1, MUTEX),
    ("G0008", "90471", False, "20050101", None, 0, MUTEX),
    # Deleted edits (deletion date: the last day the edit applied).
    ("20610", "20605", False, "20040101", "20041231", 1, MUTEX),
    ("97140", "97530", False, "20160101", "20161231", 1, MUTEX),
    ("20600", "20550", False, "20040101", "20060630", 1, STD),
]
