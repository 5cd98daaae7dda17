"""HCPCS Level II sample (January 2026 release), written by hand.

Long descriptions are the official public-domain HCPCS Level II wording (CMS), in CMS's own
lower-casing ("hcl", "(cpap)"), written from knowledge, not copied out of the CMS files, and
confirmed with check_sample.py --content. Short descriptions (28 characters at most) are in CMS
style; many are CMS's, some are ours. Administrative fields (pricing indicator, coverage, BETOS,
type of service, dates) are illustrative, except the ones marked real below.

Each entry is a dict; make_sample.py lays it out in the 320-byte ANWEB record.
"""


def code(code, long, short, added, **admin):
    return dict(code=code, long=long, short=short, added=added, **admin)


def drug(code_, long, short, added, **admin):
    """A drug or biological: priced as a drug (51) under Part B."""
    admin.setdefault("price", ["51"])
    admin.setdefault("mult_price", "A")
    admin.setdefault("coverage", "D")
    admin.setdefault("betos", "O1E")
    admin.setdefault("tos", "1")
    return code(code_, long, short, added, **admin)


def service(code_, long, short, added, **admin):
    """A practitioner service priced on the physician fee schedule (11)."""
    admin.setdefault("price", ["11"])
    admin.setdefault("mult_price", "A")
    admin.setdefault("coverage", "C")
    admin.setdefault("tos", "1")
    return code(code_, long, short, added, **admin)


def supply(code_, long, short, added, price, **admin):
    admin.setdefault("mult_price", "A")
    admin.setdefault("coverage", "C")
    admin.setdefault("tos", "9")
    return code(code_, long, short, added, price=[price], **admin)


# Methylprednisolone acetate: J1020, J1030 and J1040 were replaced by J1010 (1 mg) on
# 2024-04-01. Their dates are real: termination 2024-03-31, action D effective 2024-04-01.
_METHYLPRED_END = dict(action_effective="20240401", terminated="20240331", action="D")

CODES = [
    supply("A0428", "Ambulance service, basic life support, non-emergency transport, (bls)",
           "BLS non-emergency transport", "20010401", "52"),
    supply("A0429", "Ambulance service, basic life support, emergency transport "
                    "(bls-emergency)",
           "BLS emergency transport", "20010401", "52"),
    supply("A4216", "Sterile water, saline and/or dextrose, diluent/flush, 10 ml",
           "Sterile water/saline, 10 ml", "20040101", "34"),
    supply("A4253", "Blood glucose test or reagent strips for home blood glucose monitor, "
                    "per 50 strips",
           "Blood glucose/reagent strips", "19940101", "34"),
    supply("A4259", "Lancets, per box of 100", "Lancets per box", "19940101", "34"),
    # A4550 and G0283: dates and pricing as in the README of the real files.
    code("A4550", "Surgical trays", "Surgical trays", "19820101", price=["11"],
         mult_price="A", coverage="D", betos="Y1", tos="9", action_effective="20000101"),
    supply("A4649", "Surgical supply; miscellaneous", "Surgical supply", "19950101", "46"),
    supply("A9150", "Non-prescription drugs", "Misc/exper non-prescript dru", "19940101",
           "00", coverage="M"),
    supply("A9270", "Non-covered item or service", "Non-covered item or service", "20020101",
           "00", coverage="S"),
    supply("E0100", "Cane, includes canes of all materials, adjustable or fixed, with tip",
           "Cane adjust/fixed with tip", "19820101", "32"),
    supply("E0110", "Crutches, forearm, includes crutches of various materials, adjustable "
                    "or fixed, pair, complete with tips and handgrips",
           "Crutch forearm pair", "19820101", "32"),
    supply("E0114", "Crutches underarm, other than wood, adjustable or fixed, pair, with pads, "
                    "tips and handgrips",
           "Crutch underarm pair no wood", "19820101", "32"),
    supply("E0143", "Walker, folding, wheeled, adjustable or fixed height",
           "Walker folding wheeled", "19940101", "32"),
    supply("E0601", "Continuous positive airway pressure (cpap) device",
           "Cont airway pressure device", "19920101", "36"),
    supply("E1390", "Oxygen concentrator, single delivery port, capable of delivering 85 "
                    "percent or greater oxygen concentration at the prescribed flow rate",
           "Oxygen concentrator", "19820101", "33"),
    service("G0008", "Administration of influenza virus vaccine", "Admin influenza virus vac",
            "19930101"),
    service("G0009", "Administration of pneumococcal vaccine", "Admin pneumococcal vaccine",
            "19930101"),
    service("G0010", "Administration of hepatitis b vaccine", "Admin hepatitis b vaccine",
            "19930101"),
    service("G0101", "Cervical or vaginal cancer screening; pelvic and clinical breast "
                     "examination",
            "CA screen;pelvic/breast exam", "19980101"),
    service("G0102", "Prostate cancer screening; digital rectal examination",
            "Prostate ca screening; dre", "20000101"),
    code("G0103", "Prostate cancer screening; prostate specific antigen test (psa)",
         "Psa screening", "20000101", price=["21"], mult_price="A", coverage="C", tos="5"),
    service("G0105", "Colorectal cancer screening; colonoscopy on individual at high risk",
            "Colorectal scrn; hi risk ind", "19980101", tos="2"),
    service("G0121", "Colorectal cancer screening; colonoscopy on individual not meeting "
                     "criteria for high risk",
            "Colon ca scrn not hi rsk ind", "20010701", tos="2"),
    code("G0283", "Electrical stimulation (unattended), to one or more areas for "
                  "indication(s) other than wound care, as part of a therapy plan of care",
         "Elec stim other than wound", "20030101", price=["11"], mult_price="A",
         coverage="C", betos="P5E", tos="1"),
    service("G0402", "Initial preventive physical examination; face-to-face visit, services "
                     "limited to new beneficiary during the first 12 months of medicare "
                     "enrollment",
            "Initial preventive exam", "20090101"),
    service("G0438", "Annual wellness visit; includes a personalized prevention plan of "
                     "service (pps), initial visit",
            "Ppps, initial visit", "20110101"),
    service("G0439", "Annual wellness visit, includes a personalized prevention plan of "
                     "service (pps), subsequent visit",
            "Ppps, subseq visit", "20110101"),
    service("G0442", "Annual alcohol misuse screening, 5 to 15 minutes",
            "Annual alcohol screen 15 min", "20111014"),
    service("G0444", "Annual depression screening, 5 to 15 minutes",
            "Depression screen annual", "20111014"),
    service("G0446", "Annual, face-to-face intensive behavioral therapy for cardiovascular "
                     "disease, individual, 15 minutes",
            "Intens behave ther cardio dx", "20111108"),
    service("G0447", "Face-to-face behavioral counseling for obesity, 15 minutes",
            "Behavior counsel obesity 15m", "20111129"),
    code("G0463", "Hospital outpatient clinic visit for assessment and management of a "
                  "patient",
         "Hospital outpt clinic visit", "20140101", price=["00"], mult_price="9",
         coverage="C", tos="1"),
    service("G2211", "Visit complexity inherent to evaluation and management associated with "
                     "medical care services that serve as the continuing focal point for all "
                     "needed health care services and/or with medical care services that are "
                     "part of ongoing care related to a patient's single, serious condition or "
                     "a complex condition.  (add-on code, list separately in addition to "
                     "office/outpatient evaluation and management visit, new or established)",
            "Complex e/m visit add on", "20210101"),
    drug("J0129", "Injection, abatacept, 10 mg (code may be used for medicare when drug "
                  "administered under the direct supervision of a physician, not for use when "
                  "drug is self administered)",
         "Abatacept injection", "20070101"),
    drug("J0171", "Injection, adrenalin, epinephrine, 0.1 mg", "Inj adrenalin epinephrine",
         "20110101"),
    drug("J0585", "Injection, onabotulinumtoxina, 1 unit", "Injection,onabotulinumtoxina",
         "20000101"),
    drug("J0696", "Injection, ceftriaxone sodium, per 250 mg", "Ceftriaxone sodium injection",
         "19940101"),
    drug("J0702", "Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate "
                  "3 mg",
         "Betamethasone acet&sod phosp", "19940101"),
    drug("J0897", "Injection, denosumab, 1 mg", "Denosumab injection", "20110101"),
    drug("J1010", "Injection, methylprednisolone acetate, 1 mg", "Methylprednisolone ace 1mg",
         "20240401"),
    drug("J1020", "Injection, methylprednisolone acetate, 20 mg",
         "Methylprednisolone 20 mg inj", "19820101", **_METHYLPRED_END),
    # J1030: real short description and pricing as in the README of the real files.
    drug("J1030", "Injection, methylprednisolone acetate, 40 mg",
         "Methylprednisolone 40 mg inj", "19820101", **_METHYLPRED_END),
    drug("J1040", "Injection, methylprednisolone acetate, 80 mg",
         "Methylprednisolone 80 mg inj", "19820101", **_METHYLPRED_END),
    drug("J1050", "Injection, medroxyprogesterone acetate, 1 mg", "Medroxyprogesterone acetate",
         "20130101"),
    drug("J1071", "Injection, testosterone cypionate, 1 mg", "Inj testosterone cypionate",
         "20150101"),
    drug("J1100", "Injection, dexamethasone sodium phosphate, 1 mg",
         "Dexamethasone sodium phos", "19820101"),
    drug("J1200", "Injection, diphenhydramine hcl, up to 50 mg", "Diphenhydramine hcl injectio",
         "19820101"),
    drug("J1745", "Injection, infliximab, excludes biosimilar, 10 mg",
         "Inj infliximab excludes bios", "20000101"),
    drug("J1815", "Injection, insulin, per 5 units", "Insulin injection", "19820101"),
    drug("J1885", "Injection, ketorolac tromethamine, per 15 mg", "Ketorolac tromethamine inj",
         "19960101"),
    drug("J2001", "Injection, lidocaine hcl for intravenous infusion, 10 mg",
         "Lidocaine injection", "20000101"),
    drug("J2250", "Injection, midazolam hydrochloride, per 1 mg", "Inj midazolam hydrochloride",
         "19940101"),
    drug("J2270", "Injection, morphine sulfate, up to 10 mg", "Morphine sulfate injection",
         "19820101"),
    drug("J2405", "Injection, ondansetron hydrochloride, per 1 mg",
         "Ondansetron hcl injection", "19930101"),
    drug("J2550", "Injection, promethazine hcl, up to 50 mg", "Promethazine hcl injection",
         "19820101"),
    drug("J2795", "Injection, ropivacaine hydrochloride, 1 mg", "Ropivacaine hcl injection",
         "20020101"),
    drug("J2920", "Injection, methylprednisolone sodium succinate, up to 40 mg",
         "Methylprednisolone injection", "19820101"),
    drug("J2930", "Injection, methylprednisolone sodium succinate, up to 125 mg",
         "Methylprednisolone injection", "19820101"),
    drug("J3010", "Injection, fentanyl citrate, 0.1 mg", "Fentanyl citrate injection",
         "19820101"),
    # J3301: real add date as in the README of the real files.
    drug("J3301", "Injection, triamcinolone acetonide, not otherwise specified, 10 mg",
         "Triamcinolone acet inj nos", "19910101"),
    drug("J3420", "Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg",
         "Vitamin b12 injection", "19820101"),
    drug("J3490", "Unclassified drugs", "Drugs unclassified injection", "19820101",
         price=["46"]),
    drug("J7030", "Infusion, normal saline solution , 1000 cc",
         "Normal saline solution infus", "19820101"),
    drug("J7040", "Infusion, normal saline solution, sterile (500 ml = 1 unit)",
         "Normal saline solution infus", "19820101"),
    drug("J7050", "Infusion, normal saline solution, 250 cc", "Normal saline solution infus",
         "19820101"),
    drug("J7321", "Hyaluronan or derivative, hyalgan, supartz or visco-3, for intra-articular "
                  "injection, per dose",
         "Hyalgan supartz visco-3 dose", "20110101"),
    drug("J7325", "Hyaluronan or derivative, synvisc or synvisc-one, for intra-articular "
                  "injection, 1 mg",
         "Synvisc or synvisc-one", "20110101"),
    drug("J9035", "Injection, bevacizumab, 10 mg", "Injection bevacizumab", "20050101"),
    supply("K0001", "Standard wheelchair", "Standard wheelchair", "19930101", "36"),
    supply("L1833", "Knee orthosis, adjustable knee joints (unicentric or polycentric), "
                    "positional orthosis, rigid support, prefabricated, off-the shelf",
           "Ko adj jnt pos rigid sup otf", "20140101", "38"),
    supply("L1902", "Ankle orthosis, ankle gauntlet or similar, with or without joints, "
                    "prefabricated, off-the-shelf",
           "Ao ank gauntlet/sim pre otf", "19820101", "38"),
    supply("L3260", "Surgical boot/shoe, each", "Ambulatory surgical boot eac", "19820101", "38",
           coverage="M"),
    supply("L3908", "Wrist hand orthosis, wrist extension control cock-up, non molded, "
                    "prefabricated, off-the-shelf",
           "Who cock-up nonmolde pre otf", "19820101", "38"),
    code("P9612", "Catheterization for collection of specimen, single patient, all places of "
                  "service",
         "Catheterize for urine spec", "20020101", price=["21"], mult_price="A",
         coverage="C", tos="5"),
    code("Q0091", "Screening papanicolaou smear; obtaining, preparing and conveyance of "
                  "cervical or vaginal smear to laboratory",
         "Obtaining screen pap smear", "19980101", price=["11"], mult_price="A",
         coverage="C", tos="1"),
    drug("Q0144", "Azithromycin dihydrate, oral, capsules/powder, 1 gram",
         "Azithromycin dihydrate, oral", "19990401", coverage="M"),
    drug("Q2035", "Influenza virus vaccine, split virus, when administered to individuals 3 "
                  "years of age and older, for intramuscular use (afluria)",
         "Afluria vacc, 3 yrs & >, im", "20100101", price=["54"], tos="V"),
    code("Q3014", "Telehealth originating site facility fee", "Telehealth facility fee",
         "20020101", price=["11"], mult_price="A", coverage="C", tos="1"),
    drug("Q5103", "Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg",
         "Inj inflectra", "20180401"),
    drug("Q9967", "Low osmolar contrast material, 300-399 mg/ml iodine concentration, per ml",
         "Locm 300-399mg/ml iodine,1ml", "20120101", tos="4"),
    code("R0070", "Transportation of portable x-ray equipment and personnel to home or "
                  "nursing home, per trip to facility or location, one patient seen",
         "Transport portable x-ray", "19820101", price=["13"], mult_price="A",
         coverage="C", tos="4"),
    code("T1015", "Clinic visit/encounter, all-inclusive", "Clinic service", "20020101",
         price=["00"], mult_price="9", coverage="I", tos="1"),
    supply("V2020", "Frames, purchases", "Vision svcs frames purchases", "19820101", "38"),
]


def modifier(code, long, short, added, **admin):
    admin.setdefault("coverage", "C")
    return dict(code=code, long=long, short=short, added=added, **admin)


MODIFIERS = [
    modifier("AA", "Anesthesia services performed personally by anesthesiologist",
             "Anesthesia perf by anesgst", "19930101"),
    modifier("AI", "Principal physician of record", "Principal physician record",
             "20100101"),
    modifier("AS", "Physician assistant, nurse practitioner, or clinical nurse specialist "
                   "services for assistant at surgery",
             "Assistant at surgery service", "19990101"),
    modifier("CR", "Catastrophe/disaster related", "Catastrophe/disaster related",
             "20050801"),
    modifier("E1", "Upper left, eyelid", "Upper left eyelid", "19920101"),
    modifier("FA", "Left hand, thumb", "Left hand, thumb", "19920101"),
    modifier("FQ", "The service was furnished using audio-only communication technology",
             "Service via audio-only", "20220101"),
    modifier("FY", "X-ray taken using computed radiography technology/cassette-based imaging",
             "X-ray computed radiography", "20180101"),
    # GA and LT: real dates as in the layout notes of the real files.
    modifier("GA", "Waiver of liability statement issued as required by payer policy, "
                   "individual case",
             "Liability waiver ind case", "19950101", action_effective="20110101"),
    modifier("GC", "This service has been performed in part by a resident under the "
                   "direction of a teaching physician",
             "Resident/teaching phys serv", "20020101"),
    modifier("GN", "Services delivered under an outpatient speech language pathology plan of "
                   "care",
             "OP speech language service", "19990101"),
    modifier("GO", "Services delivered under an outpatient occupational therapy plan of care",
             "OP occupational therapy serv", "19990101"),
    modifier("GP", "Services delivered under an outpatient physical therapy plan of care",
             "OP PT services", "19990101"),
    modifier("GT", "Via interactive audio and video telecommunication systems",
             "Interactive telecommunicatio", "19990101"),
    modifier("GV", "Attending physician not employed or paid under arrangement by the "
                   "patient's hospice provider",
             "Attending phys not hospice", "20020101"),
    modifier("GW", "Service not related to the hospice patient's terminal condition",
             "Service unrelated to term co", "20020101"),
    modifier("GX", "Notice of liability issued, voluntary under payer policy",
             "Notice of liability issued", "20100701"),
    modifier("GY", "Item or service statutorily excluded, does not meet the definition of any "
                   "medicare benefit or, for non-medicare insurers, is not a contract benefit",
             "Statutorily excluded", "20020101"),
    modifier("GZ", "Item or service expected to be denied as not reasonable and necessary",
             "Not reasonable and necessary", "20020101"),
    modifier("JW", "Drug amount discarded/not administered to any patient",
             "Discarded drug not administe", "20020101"),
    modifier("JZ", "Zero drug amount discarded/not administered to any patient",
             "Zero drug wasted", "20220701"),
    modifier("KX", "Requirements specified in the medical policy have been met",
             "Documentation on file", "20020101"),
    modifier("LC", "Left circumflex coronary artery", "Left circum coronary artery",
             "19980101"),
    modifier("LD", "Left anterior descending coronary artery", "Left ant des coronary artery",
             "19980101"),
    modifier("LT", "Left side (used to identify procedures performed on the left side of the "
                   "body)",
             "Left side", "19840101", action_effective="19970101"),
    modifier("PT", "Colorectal cancer screening test; converted to diagnostic test or other "
                   "procedure",
             "Colorectal test converted", "20070101"),
    modifier("Q6", "Service furnished under a fee-for-time compensation arrangement by a "
                   "substitute physician or by a substitute physical therapist furnishing "
                   "outpatient physical therapy services in a health professional shortage "
                   "area, a medically underserved area, or a rural area",
             "Fee-for-time substitute", "19940101"),
    modifier("QK", "Medical direction of two, three, or four concurrent anesthesia procedures "
                   "involving qualified individuals",
             "Med dir 2-4 cncrnt anes proc", "19980101"),
    modifier("QW", "Clia waived test", "CLIA waived test", "19940101"),
    modifier("QX", "Crna service: with medical direction by a physician",
             "CRNA svc w/ MD med direction", "19930101"),
    modifier("QZ", "Crna service: without medical direction by a physician",
             "CRNA svc w/o med dir by MD", "19930101"),
    modifier("RC", "Right coronary artery", "Right coronary artery", "19980101"),
    modifier("RT", "Right side (used to identify procedures performed on the right side of "
                   "the body)",
             "Right side", "19840101", action_effective="19970101"),
    modifier("SA", "Nurse practitioner rendering service in collaboration with a physician",
             "Nurse practitioner w physici", "19990101"),
    modifier("TA", "Left foot, great toe", "Left foot, great toe", "19920101"),
    modifier("TC", "Technical component; under certain circumstances, a charge may be made "
                   "for the technical component alone;  under those circumstances the "
                   "technical component charge is identified by adding modifier 'tc' to the "
                   "usual procedure number; technical component charges are institutional "
                   "charges and not billed separately by physicians; however, portable x-ray "
                   "suppliers only bill for technical component and should utilize modifier "
                   "tc; the charge data from portable x-ray suppliers will then be used to "
                   "build customary and prevailing profiles",
             "Technical component", "19920101"),
    modifier("XE", "Separate encounter, a service that is distinct because it occurred during "
                   "a separate encounter",
             "Separate encounter", "20150101"),
    modifier("XP", "Separate practitioner, a service that is distinct because it was "
                   "performed by a different practitioner",
             "Separate practitioner", "20150101"),
    modifier("XS", "Separate structure, a service that is distinct because it was performed "
                   "on a separate organ/structure",
             "Separate structure", "20150101"),
    modifier("XU", "Unusual non-overlapping service, the use of a service that is distinct "
                   "because it does not overlap usual components of the main service",
             "Unusual separate service", "20150101"),
]
