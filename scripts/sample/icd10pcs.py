"""ICD-10-PCS FY2026 sample: procedures people ask about, written by hand.

Each table is (3-character table, title, codes); the title is "Body System, Operation", with
the section name in front outside the Medical and Surgical section ("Obstetrics, Pregnancy,
Extraction"); each code is
(7-character code, official long title) and optionally a short title of our own. Long titles
are the official public-domain ICD-10-PCS wording (CMS), written from knowledge, not copied out
of the CMS files, and confirmed with check_sample.py --content. Tables and codes are in the order of the official order file (ASCII order).
"""

TABLES = [
    ("009", "Central Nervous System and Cranial Nerves, Drainage", [
        ("009U3ZX", "Drainage of Spinal Canal, Percutaneous Approach, Diagnostic"),
        ("009U3ZZ", "Drainage of Spinal Canal, Percutaneous Approach"),
    ]),
    ("00N", "Central Nervous System and Cranial Nerves, Release", [
        ("00NY0ZZ", "Release Lumbar Spinal Cord, Open Approach"),
    ]),
    ("01N", "Peripheral Nervous System, Release", [
        ("01N50ZZ", "Release Median Nerve, Open Approach"),
        ("01NB0ZZ", "Release Lumbar Nerve, Open Approach"),
    ]),
    ("021", "Heart and Great Vessels, Bypass", [
        ("021009W", "Bypass Coronary Artery, One Artery from Aorta with Autologous Venous "
                    "Tissue, Open Approach"),
        ("02100Z9", "Bypass Coronary Artery, One Artery from Left Internal Mammary, Open "
                    "Approach"),
        ("021109W", "Bypass Coronary Artery, Two Arteries from Aorta with Autologous Venous "
                    "Tissue, Open Approach"),
    ]),
    ("027", "Heart and Great Vessels, Dilation", [
        ("027034Z", "Dilation of Coronary Artery, One Artery with Drug-eluting Intraluminal "
                    "Device, Percutaneous Approach"),
        ("02703DZ", "Dilation of Coronary Artery, One Artery with Intraluminal Device, "
                    "Percutaneous Approach"),
        ("02703ZZ", "Dilation of Coronary Artery, One Artery, Percutaneous Approach"),
        ("027134Z", "Dilation of Coronary Artery, Two Arteries with Drug-eluting Intraluminal "
                    "Device, Percutaneous Approach"),
    ]),
    ("02H", "Heart and Great Vessels, Insertion", [
        ("02HV33Z", "Insertion of Infusion Device into Superior Vena Cava, Percutaneous "
                    "Approach"),
    ]),
    ("0BH", "Respiratory System, Insertion", [
        ("0BH17EZ", "Insertion of Endotracheal Airway into Trachea, Via Natural or Artificial "
                    "Opening"),
    ]),
    ("0DB", "Gastrointestinal System, Excision", [
        ("0DBN8ZX", "Excision of Sigmoid Colon, Via Natural or Artificial Opening Endoscopic, "
                    "Diagnostic"),
    ]),
    ("0DJ", "Gastrointestinal System, Inspection", [
        ("0DJ08ZZ", "Inspection of Upper Intestinal Tract, Via Natural or Artificial Opening "
                    "Endoscopic"),
        ("0DJD8ZZ", "Inspection of Lower Intestinal Tract, Via Natural or Artificial Opening "
                    "Endoscopic"),
    ]),
    ("0DT", "Gastrointestinal System, Resection", [
        ("0DTJ0ZZ", "Resection of Appendix, Open Approach"),
        ("0DTJ4ZZ", "Resection of Appendix, Percutaneous Endoscopic Approach"),
    ]),
    ("0FT", "Hepatobiliary System and Pancreas, Resection", [
        ("0FT40ZZ", "Resection of Gallbladder, Open Approach"),
        ("0FT44ZZ", "Resection of Gallbladder, Percutaneous Endoscopic Approach"),
    ]),
    ("0LQ", "Tendons, Repair", [
        ("0LQ14ZZ", "Repair Right Shoulder Tendon, Percutaneous Endoscopic Approach"),
        ("0LQ24ZZ", "Repair Left Shoulder Tendon, Percutaneous Endoscopic Approach"),
    ]),
    ("0PS", "Upper Bones, Reposition", [
        ("0PSH04Z", "Reposition Right Radius with Internal Fixation Device, Open Approach"),
        ("0PSHXZZ", "Reposition Right Radius, External Approach"),
    ]),
    ("0QS", "Lower Bones, Reposition", [
        ("0QS604Z", "Reposition Right Upper Femur with Internal Fixation Device, Open Approach"),
        ("0QS634Z", "Reposition Right Upper Femur with Internal Fixation Device, Percutaneous "
                    "Approach"),
        ("0QS704Z", "Reposition Left Upper Femur with Internal Fixation Device, Open Approach"),
    ]),
    ("0RB", "Upper Joints, Excision", [
        ("0RB30ZZ", "Excision of Cervical Vertebral Disc, Open Approach"),
    ]),
    ("0RG", "Upper Joints, Fusion", [
        ("0RG10A0", "Fusion of Cervical Vertebral Joint with Interbody Fusion Device, Anterior "
                    "Approach, Anterior Column, Open Approach"),
        ("0RG20A0", "Fusion of 2 or more Cervical Vertebral Joints with Interbody Fusion "
                    "Device, Anterior Approach, Anterior Column, Open Approach"),
    ]),
    ("0SB", "Lower Joints, Excision", [
        ("0SB20ZZ", "Excision of Lumbar Vertebral Disc, Open Approach"),
        ("0SBC4ZZ", "Excision of Right Knee Joint, Percutaneous Endoscopic Approach"),
        ("0SBD4ZZ", "Excision of Left Knee Joint, Percutaneous Endoscopic Approach"),
    ]),
    ("0SG", "Lower Joints, Fusion", [
        ("0SG0071", "Fusion of Lumbar Vertebral Joint with Autologous Tissue Substitute, "
                    "Posterior Approach, Posterior Column, Open Approach"),
        ("0SG00A0", "Fusion of Lumbar Vertebral Joint with Interbody Fusion Device, Anterior "
                    "Approach, Anterior Column, Open Approach"),
        ("0SG00AJ", "Fusion of Lumbar Vertebral Joint with Interbody Fusion Device, Posterior "
                    "Approach, Anterior Column, Open Approach"),
        ("0SG10AJ", "Fusion of 2 or more Lumbar Vertebral Joints with Interbody Fusion Device, "
                    "Posterior Approach, Anterior Column, Open Approach"),
        ("0SG3071", "Fusion of Lumbosacral Joint with Autologous Tissue Substitute, Posterior "
                    "Approach, Posterior Column, Open Approach"),
        ("0SG30AJ", "Fusion of Lumbosacral Joint with Interbody Fusion Device, Posterior "
                    "Approach, Anterior Column, Open Approach"),
    ]),
    ("0SR", "Lower Joints, Replacement", [
        ("0SR9019", "Replacement of Right Hip Joint with Metal Synthetic Substitute, Cemented, "
                    "Open Approach"),
        ("0SR901A", "Replacement of Right Hip Joint with Metal Synthetic Substitute, "
                    "Uncemented, Open Approach"),
        ("0SR904A", "Replacement of Right Hip Joint with Ceramic on Polyethylene Synthetic "
                    "Substitute, Uncemented, Open Approach"),
        ("0SRB019", "Replacement of Left Hip Joint with Metal Synthetic Substitute, Cemented, "
                    "Open Approach"),
        ("0SRB04A", "Replacement of Left Hip Joint with Ceramic on Polyethylene Synthetic "
                    "Substitute, Uncemented, Open Approach"),
        ("0SRC0J9", "Replacement of Right Knee Joint with Synthetic Substitute, Cemented, Open "
                    "Approach"),
        ("0SRC0JA", "Replacement of Right Knee Joint with Synthetic Substitute, Uncemented, "
                    "Open Approach"),
        ("0SRC0JZ", "Replacement of Right Knee Joint with Synthetic Substitute, Open Approach"),
        ("0SRC0L9", "Replacement of Right Knee Joint with Medial Unicondylar Synthetic "
                    "Substitute, Cemented, Open Approach"),
        ("0SRD0J9", "Replacement of Left Knee Joint with Synthetic Substitute, Cemented, Open "
                    "Approach"),
        ("0SRD0JA", "Replacement of Left Knee Joint with Synthetic Substitute, Uncemented, "
                    "Open Approach"),
        ("0SRD0JZ", "Replacement of Left Knee Joint with Synthetic Substitute, Open Approach"),
        ("0SRR019", "Replacement of Right Hip Joint, Femoral Surface with Metal Synthetic "
                    "Substitute, Cemented, Open Approach"),
        ("0SRR01A", "Replacement of Right Hip Joint, Femoral Surface with Metal Synthetic "
                    "Substitute, Uncemented, Open Approach"),
    ]),
    ("0T9", "Urinary System, Drainage", [
        ("0T9B70Z", "Drainage of Bladder with Drainage Device, Via Natural or Artificial "
                    "Opening"),
    ]),
    ("0W9", "Anatomical Regions, General, Drainage", [
        ("0W993ZZ", "Drainage of Right Pleural Cavity, Percutaneous Approach"),
        ("0W9G3ZZ", "Drainage of Peritoneal Cavity, Percutaneous Approach"),
    ]),
    ("10D", "Obstetrics, Pregnancy, Extraction", [
        ("10D00Z0", "Extraction of Products of Conception, High, Open Approach"),
        ("10D00Z1", "Extraction of Products of Conception, Low, Open Approach"),
        ("10D00Z2", "Extraction of Products of Conception, Extraperitoneal, Open Approach"),
    ]),
    ("10E", "Obstetrics, Pregnancy, Delivery", [
        ("10E0XZZ", "Delivery of Products of Conception, External Approach"),
    ]),
    ("302", "Administration, Circulatory, Transfusion", [
        ("30233L1", "Transfusion of Nonautologous Fresh Plasma into Peripheral Vein, "
                    "Percutaneous Approach"),
        ("30233N1", "Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, "
                    "Percutaneous Approach"),
        ("30233R1", "Transfusion of Nonautologous Platelets into Peripheral Vein, Percutaneous "
                    "Approach"),
        ("30243N1", "Transfusion of Nonautologous Red Blood Cells into Central Vein, "
                    "Percutaneous Approach"),
    ]),
    ("3E0", "Administration, Physiological Systems and Anatomical Regions, "
            "Introduction", [
        ("3E0134Z", "Introduction of Serum, Toxoid and Vaccine into Subcutaneous Tissue, "
                    "Percutaneous Approach"),
        ("3E013GC", "Introduction of Other Therapeutic Substance into Subcutaneous Tissue, "
                    "Percutaneous Approach"),
        ("3E0234Z", "Introduction of Serum, Toxoid and Vaccine into Muscle, Percutaneous "
                    "Approach"),
        ("3E0336Z", "Introduction of Nutritional Substance into Peripheral Vein, Percutaneous "
                    "Approach"),
        ("3E033GC", "Introduction of Other Therapeutic Substance into Peripheral Vein, "
                    "Percutaneous Approach"),
        ("3E0G76Z", "Introduction of Nutritional Substance into Upper GI, Via Natural or "
                    "Artificial Opening"),
        ("3E0S33Z", "Introduction of Anti-inflammatory into Epidural Space, Percutaneous "
                    "Approach"),
        ("3E0S3BZ", "Introduction of Anesthetic Agent into Epidural Space, Percutaneous "
                    "Approach"),
        ("3E0T3BZ", "Introduction of Anesthetic Agent into Peripheral Nerves and Plexi, "
                    "Percutaneous Approach"),
        ("3E0U33Z", "Introduction of Anti-inflammatory into Joints, Percutaneous Approach"),
    ]),
    ("4A0", "Measurement and Monitoring, Physiological Systems, Measurement", [
        ("4A023N7", "Measurement of Cardiac Sampling and Pressure, Left Heart, Percutaneous "
                    "Approach"),
    ]),
    ("5A0", "Extracorporeal or Systemic Assistance and Performance, Physiological "
            "Systems, Assistance", [
        ("5A09357", "Assistance with Respiratory Ventilation, Less than 24 Consecutive Hours, "
                    "Continuous Positive Airway Pressure"),
    ]),
    ("5A1", "Extracorporeal or Systemic Assistance and Performance, Physiological "
            "Systems, Performance", [
        ("5A1935Z", "Respiratory Ventilation, Less than 24 Consecutive Hours"),
        ("5A1945Z", "Respiratory Ventilation, 24-96 Consecutive Hours"),
        ("5A1955Z", "Respiratory Ventilation, Greater than 96 Consecutive Hours"),
        ("5A1D70Z", "Performance of Urinary Filtration, Intermittent, Less than 6 Hours Per "
                    "Day"),
    ]),
    ("B21", "Imaging, Heart, Fluoroscopy", [
        ("B2111ZZ", "Fluoroscopy of Multiple Coronary Arteries using Low Osmolar Contrast"),
    ]),
]
