"""ICD-10-CM FY2026 sample: the tabular tree, written by hand.

Codes and long titles are the official public-domain ICD-10-CM wording (CDC/NCHS), written from
our own knowledge, not copied out of the CMS/CDC files. Notes are a selection of the official
instructional notes, also written from knowledge; the sample does not carry every note. Codes,
titles and notes are confirmed with check_sample.py --content; what we could not confirm is left
out.
A category here holds only the subcodes we chose, not necessarily all of them.

The order file and the XML are both generated from this tree (make_sample.py), so they cannot
disagree. 7th-character codes are never listed here: they are generated from `seven`.
"""

from tabular import Seven, chapter, diag, section

# --- 7th characters ---------------------------------------------------------------------------

_FRACTURE_CHARS = [
    ("A", "initial encounter for closed fracture"),
    ("B", "initial encounter for open fracture type I or II"),
    ("C", "initial encounter for open fracture type IIIA, IIIB, or IIIC"),
    ("D", "subsequent encounter for closed fracture with routine healing"),
    ("E", "subsequent encounter for open fracture type I or II with routine healing"),
    ("F", "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with routine healing"),
    ("G", "subsequent encounter for closed fracture with delayed healing"),
    ("H", "subsequent encounter for open fracture type I or II with delayed healing"),
    ("J", "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with delayed healing"),
    ("K", "subsequent encounter for closed fracture with nonunion"),
    ("M", "subsequent encounter for open fracture type I or II with nonunion"),
    ("N", "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with nonunion"),
    ("P", "subsequent encounter for closed fracture with malunion"),
    ("Q", "subsequent encounter for open fracture type I or II with malunion"),
    ("R", "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with malunion"),
    ("S", "sequela"),
]
# The official file puts this note (with a leading tab) right after the B extension.
_OPEN_NOS = {"B": "\tinitial encounter for open fracture NOS"}


def fracture_chars(category):
    return Seven(
        f"The appropriate 7th character is to be added to all codes from category {category}",
        _FRACTURE_CHARS,
        _OPEN_NOS,
    )


def torus_chars(subcategory):
    return Seven(
        f"The appropriate 7th character is to be added to all codes in subcategory {subcategory}",
        [
            ("A", "initial encounter for closed fracture"),
            ("D", "subsequent encounter for fracture with routine healing"),
            ("G", "subsequent encounter for fracture with delayed healing"),
            ("K", "subsequent encounter for fracture with nonunion"),
            ("P", "subsequent encounter for fracture with malunion"),
            ("S", "sequela"),
        ],
    )


def eye_chars(where):
    return Seven(
        f"One of the following 7th characters is to be assigned to {where} to designate "
        "laterality of the disease:",
        [("1", "right eye"), ("2", "left eye"), ("3", "bilateral"), ("9", "unspecified eye")],
    )


_FRACTURE_NOTES = [
    "A fracture not indicated as displaced or nondisplaced should be coded to displaced",
    "A fracture not indicated as open or closed should be coded to closed",
    "The open fracture designations are based on the Gustilo open fracture classification",
]

_DIABETES_CONTROL = [
    "code to identify control using:",
    "injectable non-insulin antidiabetic drugs (Z79.85)",
    "insulin (Z79.4)",
    "oral antidiabetic drugs (Z79.84)",
    "oral hypoglycemic drugs (Z79.84)",
]

# --- Chapter 4: endocrine ---------------------------------------------------------------------

E10 = diag(
    "E10", "Type 1 diabetes mellitus",
    diag("E10.6", "Type 1 diabetes mellitus with other specified complications",
         diag("E10.64", "Type 1 diabetes mellitus with hypoglycemia",
              diag("E10.641", "Type 1 diabetes mellitus with hypoglycemia with coma"),
              diag("E10.649", "Type 1 diabetes mellitus with hypoglycemia without coma")),
         diag("E10.65", "Type 1 diabetes mellitus with hyperglycemia")),
    diag("E10.9", "Type 1 diabetes mellitus without complications"),
    includes=[
        "brittle diabetes (mellitus)",
        "diabetes (mellitus) due to autoimmune process",
        "diabetes (mellitus) due to immune mediated pancreatic islet beta-cell destruction",
        "idiopathic diabetes (mellitus)",
        "juvenile onset diabetes (mellitus)",
        "ketosis-prone diabetes (mellitus)",
    ],
    excludes1=[
        "diabetes mellitus due to underlying condition (E08.-)",
        "drug or chemical induced diabetes mellitus (E09.-)",
        "gestational diabetes (O24.4-)",
        "hyperglycemia NOS (R73.9)",
        "neonatal diabetes mellitus (P70.2)",
        "postpancreatectomy diabetes mellitus (E13.-)",
        "postprocedural diabetes mellitus (E13.-)",
        "secondary diabetes mellitus NEC (E13.-)",
        "type 2 diabetes mellitus (E11.-)",
    ],
)

E11 = diag(
    "E11", "Type 2 diabetes mellitus",
    diag("E11.0", "Type 2 diabetes mellitus with hyperosmolarity",
         diag("E11.00", "Type 2 diabetes mellitus with hyperosmolarity without nonketotic "
                        "hyperglycemic-hyperosmolar coma (NKHHC)"),
         diag("E11.01", "Type 2 diabetes mellitus with hyperosmolarity with coma")),
    diag("E11.1", "Type 2 diabetes mellitus with ketoacidosis",
         diag("E11.10", "Type 2 diabetes mellitus with ketoacidosis without coma"),
         diag("E11.11", "Type 2 diabetes mellitus with ketoacidosis with coma")),
    diag("E11.2", "Type 2 diabetes mellitus with kidney complications",
         diag("E11.21", "Type 2 diabetes mellitus with diabetic nephropathy",
              inclusionTerm=[
                  "Type 2 diabetes mellitus with intercapillary glomerulosclerosis",
                  "Type 2 diabetes mellitus with intracapillary glomerulonephrosis",
                  "Type 2 diabetes mellitus with Kimmelstiel-Wilson disease",
              ]),
         diag("E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease",
              useAdditionalCode=[
                  "code to identify stage of chronic kidney disease (N18.1-N18.6)"]),
         diag("E11.29", "Type 2 diabetes mellitus with other diabetic kidney complication",
              inclusionTerm=["Type 2 diabetes mellitus with renal tubular degeneration"])),
    diag("E11.3", "Type 2 diabetes mellitus with ophthalmic complications",
         diag("E11.31", "Type 2 diabetes mellitus with unspecified diabetic retinopathy",
              diag("E11.311", "Type 2 diabetes mellitus with unspecified diabetic retinopathy "
                              "with macular edema"),
              diag("E11.319", "Type 2 diabetes mellitus with unspecified diabetic retinopathy "
                              "without macular edema")),
         diag("E11.32", "Type 2 diabetes mellitus with mild nonproliferative diabetic "
                        "retinopathy",
              diag("E11.321", "Type 2 diabetes mellitus with mild nonproliferative diabetic "
                              "retinopathy with macular edema"),
              diag("E11.329", "Type 2 diabetes mellitus with mild nonproliferative diabetic "
                              "retinopathy without macular edema"),
              seven=eye_chars("codes in subcategory E11.32"),
              inclusionTerm=[
                  "Type 2 diabetes mellitus with nonproliferative diabetic retinopathy NOS"]),
         diag("E11.36", "Type 2 diabetes mellitus with diabetic cataract"),
         diag("E11.37", "Type 2 diabetes mellitus with diabetic macular edema, resolved "
                        "following treatment",
              seven=eye_chars("code E11.37")),
         diag("E11.39", "Type 2 diabetes mellitus with other diabetic ophthalmic complication",
              useAdditionalCode=[
                  "code to identify manifestation, such as:",
                  "diabetic glaucoma (H40-H42)",
              ])),
    diag("E11.4", "Type 2 diabetes mellitus with neurological complications",
         diag("E11.40", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"),
         diag("E11.41", "Type 2 diabetes mellitus with diabetic mononeuropathy"),
         diag("E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy",
              inclusionTerm=["Type 2 diabetes mellitus with diabetic neuralgia"]),
         diag("E11.43", "Type 2 diabetes mellitus with diabetic autonomic (poly)neuropathy",
              inclusionTerm=["Type 2 diabetes mellitus with diabetic gastroparesis"]),
         diag("E11.44", "Type 2 diabetes mellitus with diabetic amyotrophy"),
         diag("E11.49", "Type 2 diabetes mellitus with other diabetic neurological "
                        "complication")),
    diag("E11.5", "Type 2 diabetes mellitus with circulatory complications",
         diag("E11.51", "Type 2 diabetes mellitus with diabetic peripheral angiopathy "
                        "without gangrene"),
         diag("E11.52", "Type 2 diabetes mellitus with diabetic peripheral angiopathy "
                        "with gangrene",
              inclusionTerm=["Type 2 diabetes mellitus with diabetic gangrene"]),
         diag("E11.59", "Type 2 diabetes mellitus with other circulatory complications")),
    diag("E11.6", "Type 2 diabetes mellitus with other specified complications",
         diag("E11.61", "Type 2 diabetes mellitus with diabetic arthropathy",
              diag("E11.610", "Type 2 diabetes mellitus with diabetic neuropathic arthropathy",
                   inclusionTerm=["Type 2 diabetes mellitus with Charcôt's joints"]),
              diag("E11.618", "Type 2 diabetes mellitus with other diabetic arthropathy")),
         diag("E11.62", "Type 2 diabetes mellitus with skin complications",
              diag("E11.620", "Type 2 diabetes mellitus with diabetic dermatitis"),
              diag("E11.621", "Type 2 diabetes mellitus with foot ulcer",
                   useAdditionalCode=["code to identify site of ulcer (L97.4-, L97.5-)"]),
              diag("E11.622", "Type 2 diabetes mellitus with other skin ulcer",
                   useAdditionalCode=[
                       "code to identify site of ulcer (L97.1-L97.9, L98.41-L98.49)"]),
              diag("E11.628", "Type 2 diabetes mellitus with other skin complications")),
         diag("E11.63", "Type 2 diabetes mellitus with oral complications",
              diag("E11.630", "Type 2 diabetes mellitus with periodontal disease"),
              diag("E11.638", "Type 2 diabetes mellitus with other oral complications")),
         diag("E11.64", "Type 2 diabetes mellitus with hypoglycemia",
              diag("E11.641", "Type 2 diabetes mellitus with hypoglycemia with coma"),
              diag("E11.649", "Type 2 diabetes mellitus with hypoglycemia without coma")),
         diag("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),
         diag("E11.69", "Type 2 diabetes mellitus with other specified complication",
              useAdditionalCode=["code to identify complication"])),
    diag("E11.8", "Type 2 diabetes mellitus with unspecified complications"),
    diag("E11.9", "Type 2 diabetes mellitus without complications"),
    diag("E11.A", "Type 2 diabetes mellitus without complications in remission"),
    includes=[
        "diabetes (mellitus) due to insulin secretory defect",
        "diabetes NOS",
        "insulin resistant diabetes (mellitus)",
    ],
    useAdditionalCode=_DIABETES_CONTROL,
    excludes1=[
        "diabetes mellitus due to underlying condition (E08.-)",
        "drug or chemical induced diabetes mellitus (E09.-)",
        "gestational diabetes (O24.4-)",
        "neonatal diabetes mellitus (P70.2)",
        "postpancreatectomy diabetes mellitus (E13.-)",
        "postprocedural diabetes mellitus (E13.-)",
        "secondary diabetes mellitus NEC (E13.-)",
        "type 1 diabetes mellitus (E10.-)",
    ],
)

E13 = diag(
    "E13", "Other specified diabetes mellitus",
    diag("E13.9", "Other specified diabetes mellitus without complications"),
    includes=[
        "diabetes mellitus due to genetic defects of beta-cell function",
        "diabetes mellitus due to genetic defects in insulin action",
        "postpancreatectomy diabetes mellitus",
        "postprocedural diabetes mellitus",
        "secondary diabetes mellitus NEC",
    ],
    useAdditionalCode=_DIABETES_CONTROL,
    excludes1=[
        "diabetes (mellitus) due to autoimmune process (E10.-)",
        "diabetes (mellitus) due to immune mediated pancreatic islet beta-cell destruction "
        "(E10.-)",
        "diabetes mellitus due to underlying condition (E08.-)",
        "drug or chemical induced diabetes mellitus (E09.-)",
        "gestational diabetes (O24.4-)",
        "neonatal diabetes mellitus (P70.2)",
        "type 1 diabetes mellitus (E10.-)",
    ],
)

E66 = diag(
    "E66", "Overweight and obesity",
    diag("E66.0", "Obesity due to excess calories",
         diag("E66.01", "Morbid (severe) obesity due to excess calories",
              excludes1=["morbid (severe) obesity with alveolar hypoventilation (E66.2)"]),
         diag("E66.09", "Other obesity due to excess calories")),
    diag("E66.3", "Overweight"),
    diag("E66.8", "Other obesity",
         diag("E66.81", "Obesity class",
              diag("E66.811", "Obesity, class 1"),
              diag("E66.812", "Obesity, class 2"),
              diag("E66.813", "Obesity, class 3")),
         diag("E66.89", "Other obesity not elsewhere classified")),
    diag("E66.9", "Obesity, unspecified", inclusionTerm=["Obesity NOS"]),
)

E78 = diag(
    "E78", "Disorders of lipoprotein metabolism and other lipidemias",
    diag("E78.0", "Pure hypercholesterolemia",
         diag("E78.00", "Pure hypercholesterolemia, unspecified",
              inclusionTerm=[
                  "Fredrickson's hyperlipoproteinemia, type IIa",
                  "Hyperbetalipoproteinemia",
                  "(Pure) hypercholesterolemia NOS",
              ]),
         diag("E78.01", "Familial hypercholesterolemia",
              diag("E78.019", "Familial hypercholesterolemia, unspecified"))),
    diag("E78.1", "Pure hyperglyceridemia"),
    diag("E78.2", "Mixed hyperlipidemia"),
    diag("E78.4", "Other hyperlipidemia",
         diag("E78.41", "Elevated Lipoprotein(a)"),
         diag("E78.49", "Other hyperlipidemia")),
    diag("E78.5", "Hyperlipidemia, unspecified"),
    excludes1=["sphingolipidosis (E75.0-E75.3)"],
)

CH4 = chapter(
    "4", "Endocrine, nutritional and metabolic diseases (E00-E89)",
    section("E08-E13", "Diabetes mellitus (E08-E13)", E10, E11, E13),
    section("E65-E68", "Overweight, obesity and other hyperalimentation (E65-E68)", E66),
    section("E70-E88", "Metabolic disorders (E70-E88)", E78),
    excludes1=["transitory endocrine and metabolic disorders specific to newborn (P70-P74)"],
)

# --- Chapter 5: mental and behavioral ---------------------------------------------------------

CH5 = chapter(
    "5", "Mental, Behavioral and Neurodevelopmental disorders (F01-F99)",
    section(
        "F30-F39", "Mood [affective] disorders (F30-F39)",
        diag("F32", "Depressive episode",
             diag("F32.0", "Major depressive disorder, single episode, mild"),
             diag("F32.1", "Major depressive disorder, single episode, moderate"),
             diag("F32.2", "Major depressive disorder, single episode, severe without psychotic "
                           "features"),
             diag("F32.4", "Major depressive disorder, single episode, in partial remission"),
             diag("F32.5", "Major depressive disorder, single episode, in full remission"),
             diag("F32.8", "Other depressive episodes",
                  diag("F32.81", "Premenstrual dysphoric disorder"),
                  diag("F32.89", "Other specified depressive episodes")),
             diag("F32.9", "Major depressive disorder, single episode, unspecified"),
             diag("F32.A", "Depression, unspecified",
                  inclusionTerm=["Depression NOS", "Depressive disorder NOS"])),
        diag("F33", "Major depressive disorder, recurrent",
             diag("F33.0", "Major depressive disorder, recurrent, mild"),
             diag("F33.1", "Major depressive disorder, recurrent, moderate"),
             diag("F33.9", "Major depressive disorder, recurrent, unspecified")),
    ),
    section(
        "F40-F48",
        "Anxiety, dissociative, stress-related, somatoform and other nonpsychotic mental "
        "disorders (F40-F48)",
        diag("F41", "Other anxiety disorders",
             diag("F41.1", "Generalized anxiety disorder"),
             diag("F41.9", "Anxiety disorder, unspecified")),
    ),
    section(
        "F90-F98",
        "Behavioral and emotional disorders with onset usually occurring in childhood and "
        "adolescence (F90-F98)",
        diag("F90", "Attention-deficit hyperactivity disorders",
             diag("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive "
                           "type"),
             diag("F90.2", "Attention-deficit hyperactivity disorder, combined type"),
             diag("F90.9", "Attention-deficit hyperactivity disorder, unspecified type")),
    ),
)

# --- Chapter 6: nervous system ----------------------------------------------------------------

CH6 = chapter(
    "6", "Diseases of the nervous system (G00-G99)",
    section(
        "G50-G59", "Nerve, nerve root and plexus disorders (G50-G59)",
        diag("G56", "Mononeuropathies of upper limb",
             diag("G56.0", "Carpal tunnel syndrome",
                  diag("G56.01", "Carpal tunnel syndrome, right upper limb"),
                  diag("G56.02", "Carpal tunnel syndrome, left upper limb"),
                  diag("G56.03", "Carpal tunnel syndrome, bilateral upper limbs")),
             excludes1=["current traumatic nerve disorder - see nerve injury by body region"]),
    ),
)

# --- Chapter 9: circulatory -------------------------------------------------------------------

CH9 = chapter(
    "9", "Diseases of the circulatory system (I00-I99)",
    section(
        "I10-I1A", "Hypertensive diseases (I10-I1A)",
        diag("I10", "Essential (primary) hypertension",
             excludes1=[
                 "hypertensive disease complicating pregnancy, childbirth and the puerperium "
                 "(O10-O11, O13-O16)"],
             excludes2=[
                 "essential (primary) hypertension involving vessels of brain (I60-I69)",
                 "essential (primary) hypertension involving vessels of eye (H35.0-)",
             ]),
        diag("I11", "Hypertensive heart disease",
             diag("I11.0", "Hypertensive heart disease with heart failure",
                  inclusionTerm=["Hypertensive heart failure"],
                  useAdditionalCode=["code to identify type of heart failure (I50.-)"]),
             diag("I11.9", "Hypertensive heart disease without heart failure",
                  inclusionTerm=["Hypertensive heart disease NOS"])),
        diag("I12", "Hypertensive chronic kidney disease",
             diag("I12.0", "Hypertensive chronic kidney disease with stage 5 chronic kidney "
                           "disease or end stage renal disease",
                  useAdditionalCode=[
                      "code to identify the stage of chronic kidney disease (N18.5, N18.6)"]),
             diag("I12.9", "Hypertensive chronic kidney disease with stage 1 through stage 4 "
                           "chronic kidney disease, or unspecified chronic kidney disease",
                  short="Hyp chr kidney disease w stage 1-4/unsp chr kidney disease",
                  inclusionTerm=["Hypertensive chronic kidney disease NOS",
                                 "Hypertensive renal disease NOS"],
                  useAdditionalCode=[
                      "code to identify the stage of chronic kidney disease (N18.1-N18.4, "
                      "N18.9)"]),
             includes=[
                 "any condition in N18 and N26 - due to hypertension",
                 "arteriosclerosis of kidney",
                 "arteriosclerotic nephritis (chronic) (interstitial)",
                 "hypertensive nephropathy",
                 "nephrosclerosis",
             ]),
        diag("I13", "Hypertensive heart and chronic kidney disease",
             diag("I13.0", "Hypertensive heart and chronic kidney disease with heart failure "
                           "and stage 1 through stage 4 chronic kidney disease, or unspecified "
                           "chronic kidney disease",
                  short="Hyp hrt & chr kdny dis w hrt fail and stg 1-4/unsp chr kdny",
                  useAdditionalCode=["code to identify type of heart failure (I50.-)"]),
             diag("I13.1", "Hypertensive heart and chronic kidney disease without heart "
                           "failure",
                  diag("I13.10", "Hypertensive heart and chronic kidney disease without heart "
                                 "failure, with stage 1 through stage 4 chronic kidney "
                                 "disease, or unspecified chronic kidney disease",
                       short="Hyp hrt & chr kdny dis w/o hrt fail, w stg 1-4/unsp chr kdny"),
                  diag("I13.11", "Hypertensive heart and chronic kidney disease without heart "
                                 "failure, with stage 5 chronic kidney disease, or end stage "
                                 "renal disease",
                       short="Hyp hrt & chr kdny dis w/o hrt fail, w stg 5 or ESRD")),
             diag("I13.2", "Hypertensive heart and chronic kidney disease with heart failure "
                           "and with stage 5 chronic kidney disease, or end stage renal "
                           "disease",
                  short="Hyp hrt & chr kdny dis w hrt fail and w stg 5 or ESRD")),
        diag("I16", "Hypertensive crisis",
             diag("I16.0", "Hypertensive urgency"),
             diag("I16.1", "Hypertensive emergency")),
        diag("I1A", "Other hypertension",
             diag("I1A.0", "Resistant hypertension")),
        excludes1=["neonatal hypertension (P29.2)", "primary pulmonary hypertension (I27.0)"],
    ),
    section(
        "I20-I25", "Ischemic heart diseases (I20-I25)",
        diag("I25", "Chronic ischemic heart disease",
             diag("I25.1", "Atherosclerotic heart disease of native coronary artery",
                  diag("I25.10", "Atherosclerotic heart disease of native coronary artery "
                                 "without angina pectoris",
                       inclusionTerm=["Atherosclerotic heart disease NOS"])))),
    section(
        "I30-I5A", "Other forms of heart disease (I30-I5A)",
        diag("I48", "Atrial fibrillation and flutter",
             diag("I48.0", "Paroxysmal atrial fibrillation"),
             diag("I48.1", "Persistent atrial fibrillation",
                  diag("I48.11", "Longstanding persistent atrial fibrillation"),
                  diag("I48.19", "Other persistent atrial fibrillation")),
             diag("I48.2", "Chronic atrial fibrillation",
                  diag("I48.20", "Chronic atrial fibrillation, unspecified"),
                  diag("I48.21", "Permanent atrial fibrillation")),
             diag("I48.3", "Typical atrial flutter"),
             diag("I48.4", "Atypical atrial flutter"),
             diag("I48.9", "Unspecified atrial fibrillation and atrial flutter",
                  diag("I48.91", "Unspecified atrial fibrillation"),
                  diag("I48.92", "Unspecified atrial flutter"))),
        diag("I50", "Heart failure",
             diag("I50.2", "Systolic (congestive) heart failure",
                  diag("I50.20", "Unspecified systolic (congestive) heart failure"),
                  diag("I50.21", "Acute systolic (congestive) heart failure"),
                  diag("I50.22", "Chronic systolic (congestive) heart failure"),
                  diag("I50.23", "Acute on chronic systolic (congestive) heart failure")),
             diag("I50.3", "Diastolic (congestive) heart failure",
                  diag("I50.30", "Unspecified diastolic (congestive) heart failure"),
                  diag("I50.31", "Acute diastolic (congestive) heart failure"),
                  diag("I50.32", "Chronic diastolic (congestive) heart failure"),
                  diag("I50.33", "Acute on chronic diastolic (congestive) heart failure")),
             diag("I50.9", "Heart failure, unspecified"),
             codeFirst=[
                 "heart failure due to hypertension (I11.0)",
                 "heart failure due to hypertension with chronic kidney disease (I13.-)",
             ]),
    ),
)

# --- Chapter 10: respiratory ------------------------------------------------------------------

CH10 = chapter(
    "10", "Diseases of the respiratory system (J00-J99)",
    section(
        "J00-J06", "Acute upper respiratory infections (J00-J06)",
        diag("J06", "Acute upper respiratory infections of multiple and unspecified sites",
             diag("J06.9", "Acute upper respiratory infection, unspecified",
                  inclusionTerm=["Upper respiratory disease, acute",
                                 "Upper respiratory infection NOS"]))),
    section(
        "J09-J18", "Influenza and pneumonia (J09-J18)",
        diag("J18", "Pneumonia, unspecified organism",
             diag("J18.1", "Lobar pneumonia, unspecified organism"),
             diag("J18.9", "Pneumonia, unspecified organism"))),
    section(
        "J40-J4A", "Chronic lower respiratory diseases (J40-J4A)",
        diag("J44", "Other chronic obstructive pulmonary disease",
             diag("J44.0", "Chronic obstructive pulmonary disease with (acute) lower "
                           "respiratory infection",
                  codeAlso=["to identify the infection"]),
             diag("J44.1", "Chronic obstructive pulmonary disease with (acute) exacerbation"),
             diag("J44.8", "Other specified chronic obstructive pulmonary disease",
                  diag("J44.81", "Bronchiolitis obliterans and bronchiolitis obliterans "
                                 "syndrome"),
                  diag("J44.89", "Other specified chronic obstructive pulmonary disease")),
             diag("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
             includes=[
                 "asthma with chronic obstructive pulmonary disease",
                 "chronic asthmatic (obstructive) bronchitis",
                 "chronic bronchitis with airway obstruction",
                 "chronic bronchitis with emphysema",
                 "chronic emphysematous bronchitis",
                 "chronic obstructive asthma",
                 "chronic obstructive bronchitis",
                 "chronic obstructive tracheobronchitis",
             ],
             codeAlso=["type of asthma, if applicable (J45.-)"]),
        diag("J45", "Asthma",
             diag("J45.2", "Mild intermittent asthma",
                  diag("J45.20", "Mild intermittent asthma, uncomplicated"),
                  diag("J45.21", "Mild intermittent asthma with (acute) exacerbation"),
                  diag("J45.22", "Mild intermittent asthma with status asthmaticus")),
             diag("J45.9", "Other and unspecified asthma",
                  diag("J45.90", "Unspecified asthma",
                       diag("J45.901", "Unspecified asthma with (acute) exacerbation"),
                       diag("J45.902", "Unspecified asthma with status asthmaticus"),
                       diag("J45.909", "Unspecified asthma, uncomplicated")))),
    ),
)

# --- Chapter 11: digestive --------------------------------------------------------------------

CH11 = chapter(
    "11", "Diseases of the digestive system (K00-K95)",
    section(
        "K35-K38", "Diseases of appendix (K35-K38)",
        diag("K35", "Acute appendicitis",
             diag("K35.8", "Other and unspecified acute appendicitis",
                  diag("K35.80", "Unspecified acute appendicitis",
                       inclusionTerm=["Acute appendicitis NOS"])))),
)

# --- Chapter 13: musculoskeletal --------------------------------------------------------------


def _regions(code, title, regions):
    """Subcodes that differ only by spinal region, e.g. M54.16 'Radiculopathy, lumbar region'."""
    return [diag(f"{code}{digit}", f"{title}, {region}") for digit, region in regions]


_SPINE_REGIONS_0_8 = [
    ("0", "site unspecified"),
    ("1", "occipito-atlanto-axial region"),
    ("2", "cervical region"),
    ("3", "cervicothoracic region"),
    ("4", "thoracic region"),
    ("5", "thoracolumbar region"),
    ("6", "lumbar region"),
    ("7", "lumbosacral region"),
    ("8", "sacral and sacrococcygeal region"),
]

M16 = diag(
    "M16", "Osteoarthritis of hip",
    diag("M16.0", "Bilateral primary osteoarthritis of hip"),
    diag("M16.1", "Unilateral primary osteoarthritis of hip",
         diag("M16.11", "Unilateral primary osteoarthritis, right hip"),
         diag("M16.12", "Unilateral primary osteoarthritis, left hip")),
    diag("M16.9", "Osteoarthritis of hip, unspecified"),
)

M17 = diag(
    "M17", "Osteoarthritis of knee",
    diag("M17.0", "Bilateral primary osteoarthritis of knee"),
    diag("M17.1", "Unilateral primary osteoarthritis of knee",
         diag("M17.11", "Unilateral primary osteoarthritis, right knee"),
         diag("M17.12", "Unilateral primary osteoarthritis, left knee")),
    diag("M17.2", "Bilateral post-traumatic osteoarthritis of knee"),
    diag("M17.4", "Other bilateral secondary osteoarthritis of knee"),
    diag("M17.5", "Other unilateral secondary osteoarthritis of knee"),
    diag("M17.9", "Osteoarthritis of knee, unspecified"),
)

M25 = diag(
    "M25", "Other joint disorder, not elsewhere classified",
    diag("M25.5", "Pain in joint",
         diag("M25.51", "Pain in shoulder",
              diag("M25.511", "Pain in right shoulder"),
              diag("M25.512", "Pain in left shoulder")),
         diag("M25.56", "Pain in knee",
              diag("M25.561", "Pain in right knee"),
              diag("M25.562", "Pain in left knee")),
         excludes2=[
             "pain in hand (M79.64-)",
             "pain in fingers (M79.64-)",
             "pain in foot (M79.67-)",
             "pain in toes (M79.67-)",
         ]),
)

M47 = diag(
    "M47", "Spondylosis",
    diag("M47.2", "Other spondylosis with radiculopathy",
         diag("M47.22", "Other spondylosis with radiculopathy, cervical region"),
         diag("M47.26", "Other spondylosis with radiculopathy, lumbar region"),
         diag("M47.27", "Other spondylosis with radiculopathy, lumbosacral region")),
    diag("M47.8", "Other spondylosis",
         diag("M47.81", "Spondylosis without myelopathy or radiculopathy",
              *_regions("M47.81", "Spondylosis without myelopathy or radiculopathy",
                        [_SPINE_REGIONS_0_8[i] for i in (2, 4, 6, 7)]
                        + [("9", "site unspecified")]))),
    includes=["arthrosis or osteoarthritis of spine", "degeneration of facet joints"],
)

M48 = diag(
    "M48", "Other spondylopathies",
    diag("M48.0", "Spinal stenosis",
         diag("M48.00", "Spinal stenosis, site unspecified"),
         diag("M48.02", "Spinal stenosis, cervical region"),
         diag("M48.04", "Spinal stenosis, thoracic region"),
         diag("M48.06", "Spinal stenosis, lumbar region",
              diag("M48.061", "Spinal stenosis, lumbar region without neurogenic claudication"),
              diag("M48.062", "Spinal stenosis, lumbar region with neurogenic claudication")),
         diag("M48.07", "Spinal stenosis, lumbosacral region"),
         diag("M48.08", "Spinal stenosis, sacral and sacrococcygeal region"),
         inclusionTerm=["Caudal stenosis"]),
)

M50 = diag(
    "M50", "Cervical disc disorders",
    diag("M50.1", "Cervical disc disorder with radiculopathy",
         diag("M50.10", "Cervical disc disorder with radiculopathy, unspecified cervical region"),
         diag("M50.11", "Cervical disc disorder with radiculopathy, high cervical region",
              inclusionTerm=["C2-C3 disc disorder with radiculopathy",
                             "C3-C4 disc disorder with radiculopathy"]),
         diag("M50.12", "Cervical disc disorder with radiculopathy, mid-cervical region",
              diag("M50.121", "Cervical disc disorder at C4-C5 level with radiculopathy"),
              diag("M50.122", "Cervical disc disorder at C5-C6 level with radiculopathy"),
              diag("M50.123", "Cervical disc disorder at C6-C7 level with radiculopathy")),
         diag("M50.13", "Cervical disc disorder with radiculopathy, cervicothoracic region",
              inclusionTerm=["C7-T1 disc disorder with radiculopathy"]),
         excludes2=["brachial radiculitis NOS (M54.13)"]),
    includes=["cervicothoracic disc disorders with cervicalgia",
              "cervicothoracic disc disorders"],
)

M51 = diag(
    "M51", "Thoracic, thoracolumbar, and lumbosacral intervertebral disc disorders",
    diag("M51.1", "Thoracic, thoracolumbar and lumbosacral intervertebral disc disorders with "
                  "radiculopathy",
         diag("M51.16", "Intervertebral disc disorders with radiculopathy, lumbar region"),
         diag("M51.17", "Intervertebral disc disorders with radiculopathy, lumbosacral "
                        "region"),
         inclusionTerm=["Sciatica due to intervertebral disc disorder"],
         excludes1=["lumbar radiculitis NOS (M54.16)", "sciatica NOS (M54.3)"]),
    diag("M51.2", "Other thoracic, thoracolumbar and lumbosacral intervertebral disc "
                  "displacement",
         diag("M51.26", "Other intervertebral disc displacement, lumbar region"),
         diag("M51.27", "Other intervertebral disc displacement, lumbosacral region"),
         inclusionTerm=["Lumbago due to displacement of intervertebral disc"]),
    diag("M51.3", "Other thoracic, thoracolumbar and lumbosacral intervertebral disc "
                  "degeneration",
         diag("M51.36", "Other intervertebral disc degeneration, lumbar region",
              diag("M51.360", "Other intervertebral disc degeneration, lumbar region with "
                              "discogenic back pain only"),
              diag("M51.361", "Other intervertebral disc degeneration, lumbar region with "
                              "lower extremity pain only"),
              diag("M51.362", "Other intervertebral disc degeneration, lumbar region with "
                              "discogenic back pain and lower extremity pain"),
              diag("M51.369", "Other intervertebral disc degeneration, lumbar region without "
                              "mention of lumbar back pain or lower extremity pain"))),
    excludes2=["cervical and cervicothoracic disc disorders (M50.-)",
               "sacral and sacrococcygeal disorders (M53.3)"],
)

M54 = diag(
    "M54", "Dorsalgia",
    diag("M54.1", "Radiculopathy",
         *_regions("M54.1", "Radiculopathy", _SPINE_REGIONS_0_8),
         inclusionTerm=[
             "Brachial neuritis or radiculitis NOS",
             "Lumbar neuritis or radiculitis NOS",
             "Lumbosacral neuritis or radiculitis NOS",
             "Thoracic neuritis or radiculitis NOS",
             "Radiculitis NOS",
         ],
         excludes1=[
             "neuralgia and neuritis NOS (M79.2)",
             "radiculopathy with cervical disc disorder (M50.1)",
             "radiculopathy with lumbar and other intervertebral disc disorder (M51.1-)",
             "radiculopathy with spondylosis (M47.2-)",
         ]),
    diag("M54.2", "Cervicalgia",
         excludes1=["cervicalgia due to intervertebral cervical disc disorder (M50.-)"]),
    diag("M54.3", "Sciatica",
         diag("M54.30", "Sciatica, unspecified side"),
         diag("M54.31", "Sciatica, right side"),
         diag("M54.32", "Sciatica, left side"),
         excludes1=[
             "lesion of sciatic nerve (G57.0)",
             "sciatica due to intervertebral disc disorder (M51.1-)",
             "sciatica with lumbago (M54.4-)",
         ]),
    diag("M54.4", "Lumbago with sciatica",
         diag("M54.40", "Lumbago with sciatica, unspecified side"),
         diag("M54.41", "Lumbago with sciatica, right side"),
         diag("M54.42", "Lumbago with sciatica, left side"),
         excludes1=["lumbago with sciatica due to intervertebral disc disorder (M51.1-)"]),
    diag("M54.5", "Low back pain",
         diag("M54.50", "Low back pain, unspecified"),
         diag("M54.51", "Vertebrogenic low back pain",
              inclusionTerm=["Low back vertebral endplate pain"]),
         diag("M54.59", "Other low back pain"),
         excludes1=[
             "low back strain (S39.012)",
             "lumbago due to intervertebral disc displacement (M51.2-)",
             "lumbago with sciatica (M54.4-)",
         ]),
    diag("M54.6", "Pain in thoracic spine",
         excludes1=["pain in thoracic spine due to intervertebral disc disorder (M51.-)"]),
    diag("M54.9", "Dorsalgia, unspecified",
         inclusionTerm=["Backache NOS", "Back pain NOS"]),
    excludes1=["psychogenic dorsalgia (F45.41)"],
)

M75 = diag(
    "M75", "Shoulder lesions",
    diag("M75.0", "Adhesive capsulitis of shoulder",
         diag("M75.01", "Adhesive capsulitis of right shoulder"),
         diag("M75.02", "Adhesive capsulitis of left shoulder"),
         inclusionTerm=["Frozen shoulder", "Periarthritis of shoulder"]),
    diag("M75.1", "Rotator cuff tear or rupture, not specified as traumatic",
         diag("M75.11", "Incomplete rotator cuff tear or rupture not specified as traumatic",
              diag("M75.110", "Incomplete rotator cuff tear or rupture of unspecified "
                              "shoulder, not specified as traumatic"),
              diag("M75.111", "Incomplete rotator cuff tear or rupture of right shoulder, "
                              "not specified as traumatic"),
              diag("M75.112", "Incomplete rotator cuff tear or rupture of left shoulder, "
                              "not specified as traumatic")),
         diag("M75.12", "Complete rotator cuff tear or rupture not specified as traumatic",
              diag("M75.120", "Complete rotator cuff tear or rupture of unspecified "
                              "shoulder, not specified as traumatic"),
              diag("M75.121", "Complete rotator cuff tear or rupture of right shoulder, "
                              "not specified as traumatic"),
              diag("M75.122", "Complete rotator cuff tear or rupture of left shoulder, "
                              "not specified as traumatic")),
         inclusionTerm=["Rotator cuff syndrome", "Supraspinatus syndrome",
                        "Supraspinatus tear or rupture, not specified as traumatic"],
         excludes1=["tear of rotator cuff, traumatic (S46.01-)"]),
    diag("M75.4", "Impingement syndrome of shoulder",
         diag("M75.41", "Impingement syndrome of right shoulder"),
         diag("M75.42", "Impingement syndrome of left shoulder")),
    excludes2=["shoulder-hand syndrome (M89.0-)"],
)

CH13 = chapter(
    "13", "Diseases of the musculoskeletal system and connective tissue (M00-M99)",
    section("M15-M19", "Osteoarthritis (M15-M19)", M16, M17,
            excludes2=["osteoarthritis of spine (M47.-)"]),
    section("M20-M25", "Other joint disorders (M20-M25)", M25),
    section("M45-M49", "Spondylopathies (M45-M49)", M47, M48),
    section("M50-M54", "Other dorsopathies (M50-M54)", M50, M51, M54,
            excludes1=["current injury - see injury of spine by body region",
                       "discitis NOS (M46.4-)"]),
    section("M70-M79", "Other soft tissue disorders (M70-M79)", M75),
)

# --- Chapter 14: genitourinary ----------------------------------------------------------------

CH14 = chapter(
    "14", "Diseases of the genitourinary system (N00-N99)",
    section(
        "N17-N19", "Acute kidney failure and chronic kidney disease (N17-N19)",
        diag("N18", "Chronic kidney disease (CKD)",
             diag("N18.1", "Chronic kidney disease, stage 1"),
             diag("N18.2", "Chronic kidney disease, stage 2 (mild)"),
             diag("N18.3", "Chronic kidney disease, stage 3 (moderate)",
                  diag("N18.30", "Chronic kidney disease, stage 3 unspecified"),
                  diag("N18.31", "Chronic kidney disease, stage 3a"),
                  diag("N18.32", "Chronic kidney disease, stage 3b")),
             diag("N18.4", "Chronic kidney disease, stage 4 (severe)"),
             diag("N18.5", "Chronic kidney disease, stage 5"),
             diag("N18.6", "End stage renal disease",
                  useAdditionalCode=["code to identify dialysis status (Z99.2)"]),
             diag("N18.9", "Chronic kidney disease, unspecified"),
             codeFirst=[
                 "any associated:",
                 "diabetic chronic kidney disease (E08.22, E09.22, E10.22, E11.22, E13.22)",
                 "hypertensive chronic kidney disease (I12.-, I13.-)",
             ])),
    section(
        "N30-N39", "Other diseases of the urinary system (N30-N39)",
        diag("N39", "Other disorders of urinary system",
             diag("N39.0", "Urinary tract infection, site not specified"))),
)

# --- Chapter 15: pregnancy --------------------------------------------------------------------

CH15 = chapter(
    "15", "Pregnancy, childbirth and the puerperium (O00-O9A)",
    section(
        "O80-O82", "Encounter for delivery (O80-O82)",
        diag("O80", "Encounter for full-term uncomplicated delivery")),
)

# --- Chapter 18: symptoms and signs -----------------------------------------------------------

CH18 = chapter(
    "18",
    "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified "
    "(R00-R99)",
    section(
        "R00-R09", "Symptoms and signs involving the circulatory and respiratory systems "
                   "(R00-R09)",
        diag("R05", "Cough",
             diag("R05.1", "Acute cough"),
             diag("R05.2", "Subacute cough"),
             diag("R05.3", "Chronic cough",
                  inclusionTerm=["Persistent cough", "Refractory cough", "Unexplained cough"]),
             diag("R05.9", "Cough, unspecified"),
             excludes1=["smoker's cough (J41.0)"]),
        diag("R06", "Abnormalities of breathing",
             diag("R06.0", "Dyspnea",
                  diag("R06.00", "Dyspnea, unspecified"),
                  diag("R06.02", "Shortness of breath"))),
        diag("R07", "Pain in throat and chest",
             diag("R07.1", "Chest pain on breathing",
                  inclusionTerm=["Painful respiration"]),
             diag("R07.8", "Other chest pain",
                  diag("R07.89", "Other chest pain",
                       inclusionTerm=["Anterior chest-wall pain NOS"])),
             diag("R07.9", "Chest pain, unspecified"))),
    section(
        "R10-R19", "Symptoms and signs involving the digestive system and abdomen (R10-R19)",
        diag("R10", "Abdominal and pelvic pain",
             diag("R10.1", "Pain localized to upper abdomen",
                  diag("R10.10", "Upper abdominal pain, unspecified"),
                  diag("R10.11", "Right upper quadrant pain"),
                  diag("R10.12", "Left upper quadrant pain"),
                  diag("R10.13", "Epigastric pain")),
             diag("R10.3", "Pain localized to other parts of lower abdomen",
                  diag("R10.30", "Lower abdominal pain, unspecified"),
                  diag("R10.31", "Right lower quadrant pain"),
                  diag("R10.32", "Left lower quadrant pain"),
                  diag("R10.33", "Periumbilical pain")),
             diag("R10.9", "Unspecified abdominal pain")),
        diag("R11", "Nausea and vomiting",
             diag("R11.0", "Nausea"),
             diag("R11.1", "Vomiting",
                  diag("R11.10", "Vomiting, unspecified"),
                  diag("R11.11", "Vomiting without nausea"),
                  diag("R11.12", "Projectile vomiting")),
             diag("R11.2", "Nausea with vomiting, unspecified"))),
    section(
        "R40-R46", "Symptoms and signs involving cognition, perception, emotional state and "
                   "behavior (R40-R46)",
        diag("R42", "Dizziness and giddiness",
             inclusionTerm=["Light-headedness", "Vertigo NOS"],
             excludes1=["vertiginous syndromes (H81.-)"])),
    section(
        "R50-R69", "General symptoms and signs (R50-R69)",
        diag("R50", "Fever of other and unknown origin",
             diag("R50.9", "Fever, unspecified",
                  inclusionTerm=["Fever NOS", "Fever of unknown origin [FUO]",
                                 "Fever with chills", "Fever with rigors",
                                 "Hyperpyrexia NOS", "Persistent fever", "Pyrexia NOS"])),
        diag("R51", "Headache",
             diag("R51.0", "Headache with orthostatic component, not elsewhere classified"),
             diag("R51.9", "Headache, unspecified", inclusionTerm=["Facial pain NOS"])),
        diag("R53", "Malaise and fatigue",
             diag("R53.8", "Other malaise and fatigue",
                  diag("R53.83", "Other fatigue",
                       inclusionTerm=["Fatigue NOS", "Lack of energy", "Lethargy",
                                      "Tiredness"])))),
)

# --- Chapter 19: injury -----------------------------------------------------------------------

S52 = diag(
    "S52", "Fracture of forearm",
    diag("S52.5", "Fracture of lower end of radius",
         diag("S52.52", "Torus fracture of lower end of radius",
              diag("S52.521", "Torus fracture of lower end of right radius"),
              seven=torus_chars("S52.52")),
         excludes2=["physeal fractures of lower end of radius (S59.2-)"]),
    seven=fracture_chars("S52"),
    notes=_FRACTURE_NOTES,
    excludes1=["traumatic amputation of forearm (S58.-)"],
    excludes2=["fracture at wrist and hand level (S62.-)"],
)

S72 = diag(
    "S72", "Fracture of femur",
    diag("S72.0", "Fracture of head and neck of femur",
         diag("S72.00", "Fracture of unspecified part of neck of femur",
              diag("S72.001", "Fracture of unspecified part of neck of right femur"),
              diag("S72.002", "Fracture of unspecified part of neck of left femur"),
              inclusionTerm=["Fracture of hip NOS", "Fracture of neck of femur NOS"]),
         excludes2=["physeal fracture of lower end of femur (S79.1-)",
                    "physeal fracture of upper end of femur (S79.0-)"]),
    seven=fracture_chars("S72"),
    notes=_FRACTURE_NOTES,
    excludes1=["traumatic amputation of hip and thigh (S78.-)"],
    excludes2=["fracture of lower leg and ankle (S82.-)",
               "fracture of foot (S92.-)",
               "periprosthetic fracture of prosthetic implant of hip (M97.0-)"],
)

S82 = diag(
    "S82", "Fracture of lower leg, including ankle",
    diag("S82.8", "Other fractures of lower leg",
         diag("S82.82", "Torus fracture of lower end of fibula",
              diag("S82.821", "Torus fracture of lower end of right fibula"),
              seven=torus_chars("S82.82"))),
    seven=fracture_chars("S82"),
    notes=_FRACTURE_NOTES,
    includes=["fracture of malleolus"],
    excludes1=["traumatic amputation of lower leg (S88.-)"],
    excludes2=["fracture of foot, except ankle (S92.-)"],
)

T84 = diag(
    "T84", "Complications of internal orthopedic prosthetic devices, implants and grafts",
    diag("T84.5", "Infection and inflammatory reaction due to internal joint prosthesis",
         diag("T84.50", "Infection and inflammatory reaction due to unspecified internal "
                        "joint prosthesis"),
         diag("T84.51", "Infection and inflammatory reaction due to internal right hip "
                        "prosthesis"),
         useAdditionalCode=["code to identify infection"]),
    seven=Seven(
        "The appropriate 7th character is to be added to each code from category T84",
        [("A", "initial encounter"), ("D", "subsequent encounter"), ("S", "sequela")],
    ),
    excludes2=["fracture of bone following insertion of orthopedic implant, joint prosthesis "
               "or bone plate (M96.6)"],
)

CH19 = chapter(
    "19", "Injury, poisoning and certain other consequences of external causes (S00-T88)",
    section("S50-S59", "Injuries to the elbow and forearm (S50-S59)", S52),
    section("S70-S79", "Injuries to the hip and thigh (S70-S79)", S72),
    section("S80-S89", "Injuries to the knee and lower leg (S80-S89)", S82),
    section("T80-T88", "Complications of surgical and medical care, not elsewhere classified "
                       "(T80-T88)", T84),
    useAdditionalCode=["code to identify any retained foreign body, if applicable (Z18.-)"],
)

# --- Chapter 21: factors influencing health status --------------------------------------------

Z79 = diag(
    "Z79", "Long term (current) drug therapy",
    diag("Z79.0", "Long term (current) use of anticoagulants and "
                  "antithrombotics/antiplatelets",
         diag("Z79.01", "Long term (current) use of anticoagulants"),
         diag("Z79.02", "Long term (current) use of antithrombotics/antiplatelets")),
    diag("Z79.4", "Long term (current) use of insulin"),
    diag("Z79.5", "Long term (current) use of steroids",
         diag("Z79.51", "Long term (current) use of inhaled steroids"),
         diag("Z79.52", "Long term (current) use of systemic steroids")),
    diag("Z79.8", "Other long term (current) drug therapy",
         diag("Z79.82", "Long term (current) use of aspirin"),
         diag("Z79.83", "Long term (current) use of bisphosphonates"),
         diag("Z79.84", "Long term (current) use of oral hypoglycemic drugs"),
         diag("Z79.85", "Long-term (current) use of injectable non-insulin antidiabetic drugs"),
         diag("Z79.89", "Other long term (current) drug therapy",
              diag("Z79.891", "Long term (current) use of opiate analgesic"),
              diag("Z79.899", "Other long term (current) drug therapy"))),
    includes=["long term (current) drug use for prophylactic purposes"],
    codeAlso=["any therapeutic drug level monitoring (Z51.81)"],
    excludes2=["drug abuse and dependence (F11-F19)"],
)

CH21 = chapter(
    "21", "Factors influencing health status and contact with health services (Z00-Z99)",
    section(
        "Z00-Z13", "Persons encountering health services for examinations (Z00-Z13)",
        diag("Z00", "Encounter for general examination without complaint, suspected or "
                    "reported diagnosis",
             diag("Z00.0", "Encounter for general adult medical examination",
                  diag("Z00.00", "Encounter for general adult medical examination without "
                                 "abnormal findings"),
                  diag("Z00.01", "Encounter for general adult medical examination with "
                                 "abnormal findings",
                       useAdditionalCode=["code to identify abnormal findings"]))),
        diag("Z12", "Encounter for screening for malignant neoplasms",
             diag("Z12.1", "Encounter for screening for malignant neoplasm of intestinal tract",
                  diag("Z12.10", "Encounter for screening for malignant neoplasm of intestinal "
                                 "tract, unspecified"),
                  diag("Z12.11", "Encounter for screening for malignant neoplasm of colon")),
             diag("Z12.3", "Encounter for screening for malignant neoplasm of breast",
                  diag("Z12.31", "Encounter for screening mammogram for malignant neoplasm of "
                                 "breast"),
                  diag("Z12.39", "Encounter for other screening for malignant neoplasm of "
                                 "breast"))),
        diag("Z13", "Encounter for screening for other diseases and disorders",
             diag("Z13.1", "Encounter for screening for diabetes mellitus"),
             diag("Z13.3", "Encounter for screening examination for mental health and "
                           "behavioral disorders",
                  diag("Z13.31", "Encounter for screening for depression"),
                  diag("Z13.39", "Encounter for screening examination for other mental health "
                                 "and behavioral disorders"))),
    ),
    section(
        "Z20-Z29", "Persons with potential health hazards related to communicable diseases "
                   "(Z20-Z29)",
        diag("Z23", "Encounter for immunization",
             codeFirst=["any routine childhood examination"])),
    section(
        "Z40-Z53", "Encounters for other specific health care (Z40-Z53)",
        diag("Z51", "Encounter for other aftercare and medical care",
             diag("Z51.8", "Encounter for other specified aftercare",
                  diag("Z51.81", "Encounter for therapeutic drug level monitoring"),
                  diag("Z51.89", "Encounter for other specified aftercare")))),
    section(
        "Z68", "Body mass index [BMI] (Z68)",
        diag("Z68", "Body mass index [BMI]",
             diag("Z68.1", "Body mass index [BMI] 19.9 or less, adult"),
             diag("Z68.2", "Body mass index [BMI] 20-29, adult",
                  *[diag(f"Z68.2{n}", f"Body mass index [BMI] 2{n}.0-2{n}.9, adult")
                    for n in range(5, 10)]),
             diag("Z68.3", "Body mass index [BMI] 30-39, adult",
                  *[diag(f"Z68.3{n}", f"Body mass index [BMI] 3{n}.0-3{n}.9, adult")
                    for n in range(10)]),
             diag("Z68.4", "Body mass index [BMI] 40 or greater, adult",
                  diag("Z68.41", "Body mass index [BMI] 40.0-44.9, adult"),
                  diag("Z68.42", "Body mass index [BMI] 45.0-49.9, adult"),
                  diag("Z68.43", "Body mass index [BMI] 50.0-59.9, adult"),
                  diag("Z68.44", "Body mass index [BMI] 60.0-69.9, adult"),
                  diag("Z68.45", "Body mass index [BMI] 70 or greater, adult")))),
    section(
        "Z77-Z99", "Persons with potential health hazards related to family and personal "
                   "history and certain conditions influencing health status (Z77-Z99)",
        Z79,
        diag("Z96", "Presence of other functional implants",
             diag("Z96.6", "Presence of orthopedic joint implants",
                  diag("Z96.64", "Presence of artificial hip joint",
                       diag("Z96.641", "Presence of right artificial hip joint"),
                       diag("Z96.642", "Presence of left artificial hip joint")),
                  diag("Z96.65", "Presence of artificial knee joint",
                       diag("Z96.651", "Presence of right artificial knee joint"),
                       diag("Z96.652", "Presence of left artificial knee joint"))))),
)

# --- Chapter 22: special purposes -------------------------------------------------------------

CH22 = chapter(
    "22", "Codes for special purposes (U00-U85)",
    section(
        "U00-U49", "Provisional assignment of new diseases of uncertain etiology or emergency "
                   "use (U00-U49)",
        diag("U07", "Emergency use of U07",
             diag("U07.1", "COVID-19",
                  useAdditionalCode=[
                      "code to identify pneumonia or other manifestations, such as:",
                      "pneumonia due to COVID-19 (J12.82)",
                  ],
                  excludes2=[
                      "coronavirus as the cause of diseases classified elsewhere (B97.2-)",
                      "pneumonia due to SARS-associated coronavirus (J12.81)",
                  ]))),
)

CHAPTERS = [CH4, CH5, CH6, CH9, CH10, CH11, CH13, CH14, CH15, CH18, CH19, CH21, CH22]
