"""CPT sample rows in the CSV layout codedesk accepts for a licensed CPT file.

CPT code numbers with descriptions WRITTEN BY THE CODEDESK PROJECT in plain language. None of
this is AMA text: CPT descriptors are copyrighted by the American Medical Association and come
only from a file the user licenses. Every long description is written out with PREFIX in front,
so nobody mistakes it for the AMA descriptor.

Rows: (code, short description, long description, plain description).
"""

PREFIX = "[codedesk sample wording] "

CODES = [
    # Office and other outpatient visits. Minutes are the time thresholds for choosing a level.
    ("99202", "New pt office visit, level 2",
     "Office visit for a patient new to the practice; simple decisions, or 15 minutes or more "
     "of the clinician's time that day",
     "First visit with a practice for a simple problem."),
    ("99203", "New pt office visit, level 3",
     "Office visit for a patient new to the practice; low-level decisions, or 30 minutes or "
     "more of the clinician's time that day",
     "First visit with a practice for a problem needing some thought, such as a new minor "
     "illness."),
    ("99204", "New pt office visit, level 4",
     "Office visit for a patient new to the practice; moderate-level decisions, or 45 minutes "
     "or more of the clinician's time that day",
     "First visit with a practice for a more involved problem, such as a chronic illness that "
     "is getting worse."),
    ("99205", "New pt office visit, level 5",
     "Office visit for a patient new to the practice; high-level decisions, or 60 minutes or "
     "more of the clinician's time that day",
     "First visit with a practice for a serious or complicated problem."),
    ("99211", "Est pt visit, staff level",
     "Short office visit for an existing patient, usually handled by clinical staff such as a "
     "nurse without the physician seeing the patient",
     "A quick visit, for example a blood-pressure check with the nurse."),
    ("99212", "Est pt office visit, level 2",
     "Office visit for an existing patient; simple decisions, or 10 minutes or more of the "
     "clinician's time that day",
     "Follow-up visit for a simple problem."),
    ("99213", "Est pt office visit, level 3",
     "Office visit for an existing patient; low-level decisions, or 20 minutes or more of the "
     "clinician's time that day",
     "The everyday follow-up visit, for example one stable chronic condition."),
    ("99214", "Est pt office visit, level 4",
     "Office visit for an existing patient; moderate-level decisions, or 30 minutes or more of "
     "the clinician's time that day",
     "Follow-up visit for several problems or one that is getting worse, or prescription-drug "
     "management."),
    ("99215", "Est pt office visit, level 5",
     "Office visit for an existing patient; high-level decisions, or 40 minutes or more of the "
     "clinician's time that day",
     "Follow-up visit for a serious problem or a decision about hospital care."),
    ("99417", "Prolonged outpt visit, +15 min",
     "Add-on for each further 15 minutes beyond the time of the highest-level office visit "
     "when the level was chosen by time",
     "Extra time on a long office visit, counted in 15-minute blocks."),
    # Hospital inpatient or observation care.
    ("99221", "Initial hosp care, level 1",
     "First hospital inpatient or observation visit by this clinician; simple or low-level "
     "decisions, or 40 minutes or more",
     "The first hospital visit by a doctor for an uncomplicated stay."),
    ("99222", "Initial hosp care, level 2",
     "First hospital inpatient or observation visit by this clinician; moderate-level "
     "decisions, or 55 minutes or more",
     "The first hospital visit by a doctor for a moderately complicated stay."),
    ("99223", "Initial hosp care, level 3",
     "First hospital inpatient or observation visit by this clinician; high-level decisions, "
     "or 75 minutes or more",
     "The first hospital visit by a doctor for a serious illness."),
    ("99231", "Later hosp care, level 1",
     "Follow-up hospital inpatient or observation visit; simple or low-level decisions, or 25 "
     "minutes or more",
     "A daily hospital visit when the patient is stable."),
    ("99232", "Later hosp care, level 2",
     "Follow-up hospital inpatient or observation visit; moderate-level decisions, or 35 "
     "minutes or more",
     "A daily hospital visit when the patient needs changes in treatment."),
    ("99233", "Later hosp care, level 3",
     "Follow-up hospital inpatient or observation visit; high-level decisions, or 50 minutes "
     "or more",
     "A daily hospital visit when the patient is unstable or has a new serious problem."),
    ("99238", "Hosp discharge, 30 min or less",
     "Work of discharging a patient from the hospital or observation on the day of discharge, "
     "30 minutes or less",
     "Discharge-day work by the doctor, up to half an hour."),
    ("99239", "Hosp discharge, over 30 min",
     "Work of discharging a patient from the hospital or observation on the day of discharge, "
     "more than 30 minutes",
     "Discharge-day work by the doctor, more than half an hour."),
    # Emergency department.
    ("99281", "ED visit, minimal",
     "Emergency department visit for a very minor problem, often handled without a "
     "physician",
     "An emergency room visit for something very minor."),
    ("99282", "ED visit, level 2",
     "Emergency department visit with simple decisions",
     "An emergency room visit for a simple problem."),
    ("99283", "ED visit, level 3",
     "Emergency department visit with low-level decisions",
     "An emergency room visit for a problem of low complexity."),
    ("99284", "ED visit, level 4",
     "Emergency department visit with moderate-level decisions",
     "An emergency room visit for a problem of moderate complexity."),
    ("99285", "ED visit, level 5",
     "Emergency department visit with high-level decisions",
     "An emergency room visit for a serious or life-threatening problem."),
    ("99291", "Critical care, first hour",
     "Bedside care for a life-threatening illness or injury; the first 30-74 minutes",
     "Intensive bedside care for a life-threatening condition, first hour or so."),
    ("99292", "Critical care, each +30 min",
     "Add-on for each further 30 minutes of critical care after the first 74 minutes",
     "Each extra half hour of intensive care for a critically ill patient."),
    ("99495", "Care after discharge, moderate",
     "Care in the 30 days after a hospital discharge with moderate-level decisions and a "
     "face-to-face visit within 14 days",
     "Managing the return home after a hospital stay, with a visit within two weeks."),
    ("99496", "Care after discharge, high",
     "Care in the 30 days after a hospital discharge with high-level decisions and a "
     "face-to-face visit within 7 days",
     "Managing the return home after a hospital stay for a complex patient, with a visit "
     "within a week."),
    ("99406", "Quit-smoking talk, 3-10 min",
     "Talking with a patient about quitting tobacco, over 3 minutes and up to 10",
     "A short talk about quitting smoking."),
    # Minor procedures.
    ("10060", "Drain skin abscess, simple",
     "Cutting open and draining a skin abscess or similar collection, simple or single",
     "Lancing a boil or abscess in the office."),
    ("12001", "Repair small skin cut",
     "Simple stitching of a superficial wound up to 2.5 cm on the scalp, neck, trunk, "
     "genitals, arms or legs",
     "Stitches for a small cut."),
    ("17110", "Destroy warts, up to 14",
     "Destroying up to 14 benign lesions such as common warts, for example by freezing",
     "Freezing off warts, up to fourteen."),
    # Joint, tendon and trigger-point injections.
    ("20550", "Inject tendon sheath/ligament",
     "Injection into one tendon sheath or ligament, or a ganglion cyst",
     "A shot into a tendon sheath or ligament, for example for tendinitis."),
    ("20552", "Trigger point inject, 1-2 musc",
     "Injection of trigger points in one or two muscles",
     "Shots into painful knots in one or two muscles."),
    ("20600", "Small joint inject, no US",
     "Drawing fluid from, or injecting, a small joint or bursa such as a finger or toe; no "
     "ultrasound used",
     "Drawing fluid from or injecting a small joint, such as a finger."),
    ("20604", "Small joint inject with US",
     "Drawing fluid from, or injecting, a small joint or bursa, aimed with ultrasound and an "
     "image kept on file",
     "Small-joint injection done with ultrasound to guide the needle."),
    ("20605", "Mid-size joint inject, no US",
     "Drawing fluid from, or injecting, a medium-size joint or bursa such as the wrist, elbow "
     "or ankle; no ultrasound used",
     "Drawing fluid from or injecting a medium joint, such as the wrist or elbow."),
    ("20606", "Mid-size joint inject with US",
     "Drawing fluid from, or injecting, a medium-size joint or bursa, aimed with ultrasound "
     "and an image kept on file",
     "Medium-joint injection done with ultrasound to guide the needle."),
    ("20610", "Large joint inject, no US",
     "Drawing fluid from, or injecting, a large joint or bursa such as the knee, hip or "
     "shoulder; no ultrasound used",
     "A knee, hip or shoulder injection or fluid draw, for example a steroid shot in the knee."),
    ("20611", "Large joint inject with US",
     "Drawing fluid from, or injecting, a large joint or bursa, aimed with ultrasound and an "
     "image kept on file",
     "Knee, hip or shoulder injection done with ultrasound to guide the needle."),
    # Spine injections and procedures.
    ("62320", "Epidural inject neck/chest",
     "Medicine placed in the epidural space between two vertebral arches in the neck or upper "
     "back; placed without imaging",
     "An epidural steroid shot in the neck or upper back, placed without imaging."),
    ("62321", "Epidural inject neck/chest, img",
     "Medicine placed in the epidural space between two vertebral arches in the neck or upper "
     "back; placed using live X-ray or CT",
     "An epidural steroid shot in the neck or upper back, placed using X-ray or CT."),
    ("62322", "Epidural inject low back",
     "Medicine placed in the epidural space between two vertebral arches in the lower back or "
     "sacrum; placed without imaging",
     "An epidural steroid shot in the lower back, placed without imaging."),
    ("62323", "Epidural inject low back, img",
     "Medicine placed in the epidural space between two vertebral arches in the lower back or "
     "sacrum; placed using live X-ray or CT",
     "An epidural steroid shot in the lower back, placed using X-ray or CT."),
    ("64479", "Nerve root inject neck, 1 lvl",
     "Epidural injection through the foramen beside a nerve root, neck or upper back, one "
     "level, with imaging guidance",
     "A targeted nerve-root steroid shot in the neck, one level."),
    ("64480", "Nerve root inject neck, add lvl",
     "Add-on for each further neck or upper-back level of a transforaminal epidural injection",
     "Each extra level of a neck nerve-root shot."),
    ("64483", "Nerve root inject low back",
     "Epidural injection through the foramen beside a nerve root, lower back or sacrum, one "
     "level, with imaging guidance",
     "A targeted nerve-root steroid shot in the lower back, one level."),
    ("64484", "Nerve root inject low back, +lvl",
     "Add-on for each further lower-back or sacral level of a transforaminal epidural "
     "injection",
     "Each extra level of a lower-back nerve-root shot."),
    ("64490", "Facet inject neck, 1st level",
     "Injection of a facet joint or the nerve to it, neck or upper back, first level, with "
     "imaging guidance",
     "A facet-joint shot in the neck, first level."),
    ("64491", "Facet inject neck, 2nd level",
     "Add-on for the second neck or upper-back level of a facet joint injection",
     "A facet-joint shot in the neck, second level."),
    ("64492", "Facet inject neck, 3rd+ level",
     "Add-on for the third and any further neck or upper-back level of a facet joint "
     "injection",
     "A facet-joint shot in the neck, third level or beyond."),
    ("64493", "Facet inject low back, 1st lvl",
     "Injection of a facet joint or the nerve to it, lower back or sacrum, first level, with "
     "imaging guidance",
     "A facet-joint shot in the lower back, first level."),
    ("64494", "Facet inject low back, 2nd lvl",
     "Add-on for the second lower-back or sacral level of a facet joint injection",
     "A facet-joint shot in the lower back, second level."),
    ("64495", "Facet inject low back, 3rd+ lvl",
     "Add-on for the third and any further lower-back or sacral level of a facet joint "
     "injection",
     "A facet-joint shot in the lower back, third level or beyond."),
    ("64635", "Facet nerve burn, low back",
     "Destroying the nerve to a lower-back or sacral facet joint with radiofrequency heat, one "
     "joint, with imaging guidance",
     "Radiofrequency ablation of a lower-back facet nerve, one joint."),
    ("64636", "Facet nerve burn, low back, +1",
     "Add-on for each further lower-back or sacral facet joint treated with radiofrequency "
     "ablation",
     "Each extra joint in a lower-back radiofrequency ablation."),
    ("64721", "Carpal tunnel release",
     "Open surgery freeing the median nerve at the wrist (carpal tunnel)",
     "Carpal tunnel surgery."),
    ("22551", "Neck fusion, front, 1 level",
     "Fusion of two neck vertebrae from the front, below C2, with removal of the disc and "
     "decompression, one interspace",
     "Anterior cervical discectomy and fusion (ACDF), one level."),
    ("22552", "Neck fusion, front, +1 level",
     "Add-on for each further neck interspace in a front-approach discectomy and fusion",
     "Each extra level of an ACDF."),
    ("22612", "Low back fusion, rear, 1 level",
     "Fusion of two lower-back vertebrae from behind (posterior or posterolateral), one level",
     "A lower-back spinal fusion from behind, one level."),
    ("22614", "Spine fusion, rear, +1 level",
     "Add-on for each further vertebral segment in a fusion from behind",
     "Each extra level of a spinal fusion from behind."),
    ("22630", "Low back interbody fusion",
     "Fusion between two lower-back vertebral bodies from behind, with disc removal, one "
     "interspace",
     "A PLIF/TLIF-type lumbar fusion, one level."),
    ("22633", "Low back fusion, combined",
     "Lower-back fusion from behind combining a posterolateral fusion and an interbody fusion "
     "at the same level, one interspace",
     "A combined lumbar fusion (posterolateral plus interbody), one level."),
    ("22634", "Low back fusion combined, +1",
     "Add-on for each further interspace and segment in a combined lower-back fusion",
     "Each extra level of a combined lumbar fusion."),
    ("22840", "Spine rods/screws, rear",
     "Placement of spinal instrumentation from behind that is not fixed segment by segment "
     "(for example, a rod with hooks at the ends)",
     "Rods and hooks added to a spinal surgery."),
    ("63047", "Low back decompression, 1 lvl",
     "Removal of part of the lamina and facet with opening of the foramen to relieve pressure "
     "on the nerves, lower back, one segment",
     "A lumbar laminectomy to relieve nerve pressure, one level."),
    ("63048", "Spine decompression, +1 segment",
     "Add-on for each further vertebral segment decompressed in the same way",
     "Each extra level of a laminectomy."),
    # Joint replacement and arthroscopy.
    ("27130", "Total hip replacement",
     "Replacement of both the ball and the socket of the hip joint with implants",
     "A total hip replacement."),
    ("27236", "Hip fracture, partial replace",
     "Open surgery for a broken femoral neck in which the broken head of the femur is "
     "replaced by an implant",
     "Partial hip replacement for a hip fracture (hemiarthroplasty)."),
    ("27447", "Total knee replacement",
     "Replacement of the surfaces of the knee joint (thigh bone, shin bone and usually the "
     "kneecap) with implants",
     "A total knee replacement."),
    ("29827", "Shoulder scope, cuff repair",
     "Arthroscopic surgery on the shoulder to repair a torn rotator cuff",
     "Keyhole rotator cuff repair."),
    ("29826", "Shoulder scope, decompression",
     "Add-on for arthroscopic removal of bone and tissue under the acromion to make room for "
     "the rotator cuff",
     "Keyhole subacromial decompression added to another shoulder scope."),
    ("29877", "Knee scope, cartilage smoothing",
     "Arthroscopic knee surgery to trim and smooth damaged joint cartilage",
     "Keyhole knee surgery to clean up worn cartilage (chondroplasty)."),
    ("29880", "Knee scope, both menisci",
     "Arthroscopic knee surgery removing torn parts of both the inner and the outer meniscus",
     "Keyhole knee surgery on both menisci."),
    ("29881", "Knee scope, one meniscus",
     "Arthroscopic knee surgery removing torn parts of either the inner or the outer meniscus",
     "Keyhole knee surgery for a torn meniscus on one side."),
    # Abdominal surgery and endoscopy.
    ("43239", "Upper GI scope with biopsy",
     "Endoscopy of the esophagus, stomach and duodenum through the mouth, taking one or more "
     "biopsies",
     "An upper endoscopy (EGD) with biopsy."),
    ("44970", "Appendix removal, laparoscopic",
     "Removal of the appendix through a laparoscope",
     "Keyhole appendectomy."),
    ("45378", "Colonoscopy, diagnostic",
     "Flexible-scope look at the whole colon where nothing is removed",
     "A colonoscopy with nothing removed."),
    ("45380", "Colonoscopy with biopsy",
     "Colonoscopy taking one or more tissue samples with forceps",
     "A colonoscopy where biopsies are taken."),
    ("45385", "Colonoscopy, snare removal",
     "Colonoscopy removing polyps or other growths with a wire snare",
     "A colonoscopy where polyps are removed with a snare."),
    ("47562", "Gallbladder removal, lap",
     "Removal of the gallbladder through a laparoscope",
     "Keyhole gallbladder removal."),
    # Imaging.
    ("71046", "Chest X-ray, 2 views",
     "Radiograph of the chest with two views",
     "A standard two-view chest X-ray."),
    ("72141", "MRI neck spine, no contrast",
     "Magnetic resonance imaging of the cervical spine without contrast material",
     "An MRI of the neck spine without dye."),
    ("72148", "MRI low back, no contrast",
     "Magnetic resonance imaging of the lumbar spine without contrast material",
     "An MRI of the lower back without dye."),
    ("73030", "Shoulder X-ray, 2+ views",
     "Radiograph of the shoulder with at least two views",
     "A shoulder X-ray."),
    ("73721", "MRI leg joint, no contrast",
     "Magnetic resonance imaging of a joint of the leg (such as the knee) without contrast "
     "material",
     "An MRI of the knee or another leg joint without dye."),
    ("76942", "Ultrasound needle guidance",
     "Ultrasound used to aim a needle, including reading the images",
     "Using ultrasound to aim a needle."),
    ("77002", "Fluoro needle guidance",
     "Fluoroscopy (live X-ray) used to guide a needle into place, outside the spine",
     "Using live X-ray to aim a needle."),
    ("77003", "Fluoro guide, spine injection",
     "Fluoroscopy (live X-ray) used to guide a needle for a spinal or paraspinal diagnostic or "
     "therapeutic injection",
     "Using live X-ray to aim a needle for a spine injection."),
    # Laboratory.
    ("36415", "Blood draw from vein",
     "Collecting a blood sample from a vein with a needle",
     "A routine blood draw."),
    ("80048", "Basic metabolic panel",
     "Group of blood chemistry tests: calcium, carbon dioxide, chloride, creatinine, glucose, "
     "potassium, sodium and urea nitrogen",
     "A basic chemistry panel (BMP)."),
    ("80053", "Comprehensive metabolic panel",
     "Group of blood chemistry tests: the basic panel plus albumin, bilirubin, alkaline "
     "phosphatase, total protein, ALT and AST",
     "A comprehensive chemistry panel (CMP)."),
    ("80061", "Lipid panel",
     "Group of blood tests for cholesterol: total cholesterol, HDL cholesterol and "
     "triglycerides",
     "A cholesterol panel."),
    ("81002", "Urine dip test, manual",
     "Urine test strip read by eye, without looking at the urine under the microscope",
     "An office urine dipstick."),
    ("81003", "Urine dip test, automated",
     "Urine test strip read by a machine, without looking at the urine under the microscope",
     "A urine dipstick read by a machine."),
    ("83036", "Hemoglobin A1c",
     "Blood test of glycated hemoglobin (A1c)",
     "The A1c test for average blood sugar."),
    ("84443", "TSH blood test",
     "Blood test of thyroid stimulating hormone",
     "A thyroid (TSH) test."),
    ("85025", "CBC with differential, auto",
     "Complete blood count by analyzer, with automated count of the white-cell types",
     "A complete blood count with the white-cell breakdown."),
    # Cardiology.
    ("93000", "ECG, tracing and reading",
     "Recording a 12-lead EKG and the physician reading and writing it up",
     "An EKG done and read in the same office."),
    ("93005", "ECG, tracing only",
     "Recording a 12-lead EKG only; someone else reads it",
     "Recording an EKG without reading it."),
    ("93010", "ECG, reading only",
     "Reading and writing up a 12-lead EKG that was recorded elsewhere",
     "Reading an EKG recorded elsewhere."),
    # Injections, infusions and vaccines.
    ("96365", "IV infusion, first hour",
     "A medicine given by IV drip, up to the first hour",
     "An IV drip of a medicine, first hour."),
    ("96372", "Injection under skin or muscle",
     "A shot of a medicine under the skin or into a muscle",
     "A shot of medicine, such as a steroid or B12 injection."),
    ("96374", "IV push, single drug",
     "A single medicine pushed directly into a vein",
     "Medicine pushed into an IV line."),
    ("90471", "Vaccine admin, first shot",
     "Giving the first vaccine of the day by injection (the vaccine itself is billed "
     "separately)",
     "Giving a vaccine shot."),
    ("90472", "Vaccine admin, each added shot",
     "Add-on for each further vaccine given by injection on the same day",
     "Giving each extra vaccine shot on the same day."),
    ("90686", "Flu vaccine, 4-strain, no preserv",
     "Influenza vaccine, four strains, split virus, without preservative, 0.5 mL dose into "
     "the muscle",
     "A flu shot (four-strain, preservative-free)."),
    ("90732", "Pneumonia vaccine, 23-valent",
     "Pneumococcal polysaccharide vaccine covering 23 types, for adults and at-risk children, "
     "under the skin or into the muscle",
     "The 23-type pneumonia vaccine."),
    # Physical therapy.
    ("97014", "Electric stim, unattended",
     "Electrical stimulation applied without the therapist in constant attendance",
     "Unattended electrical stimulation (Medicare uses G0283 instead)."),
    ("97110", "Therapeutic exercise, 15 min",
     "Exercise therapy aimed at strength, stamina, motion or flexibility, billed per 15 "
     "minutes",
     "Therapy exercises, per 15 minutes."),
    ("97112", "Neuromuscular retraining",
     "Exercises that retrain balance and body control, billed per 15 minutes",
     "Balance and coordination training, per 15 minutes."),
    ("97116", "Gait training, 15 min",
     "Walking practice, stairs included, billed per 15 minutes",
     "Walking training, per 15 minutes."),
    ("97140", "Manual therapy, 15 min",
     "Hands-on treatment such as joint mobilization or soft-tissue work, billed per 15 "
     "minutes",
     "Hands-on therapy, per 15 minutes."),
    ("97161", "PT evaluation, low",
     "Physical therapy evaluation of low complexity",
     "A physical therapy evaluation for a straightforward case."),
    ("97162", "PT evaluation, moderate",
     "Physical therapy evaluation of moderate complexity",
     "A physical therapy evaluation for a moderately complex case."),
    ("97163", "PT evaluation, high",
     "Physical therapy evaluation of high complexity",
     "A physical therapy evaluation for a complex case."),
    ("97164", "PT re-evaluation",
     "New evaluation of a physical therapy patient during an existing plan of care",
     "A physical therapy re-evaluation."),
    ("97530", "Therapeutic activities, 15 min",
     "One-on-one practice of everyday tasks such as lifting, reaching and transfers, billed "
     "per 15 minutes",
     "Functional task training, per 15 minutes."),
]

MODIFIERS = [
    ("22", "Unusually hard service",
     "The procedure took much more work than usual; the extra work must be documented",
     "Added when a procedure was much harder than normal."),
    ("24", "Unrelated visit in post-op",
     "A visit within a surgery's global period about a problem unrelated to that surgery",
     "Added to a visit after surgery that was for something else."),
    ("25", "Separate visit, same day",
     "An office visit on the same day as a procedure that stands on its own, beyond the usual "
     "care before and after the procedure",
     "Added to an office visit when a procedure was also done that day and the visit stands "
     "on its own."),
    ("26", "Professional part only",
     "Only the physician's part of a service that has a professional and a technical part",
     "Added when the doctor only read or interpreted the test."),
    ("50", "Both sides",
     "The same procedure was done on both sides of the body in the same session",
     "Added for a procedure done on both sides, such as both knees."),
    ("51", "Several procedures",
     "More than one procedure was done by the same clinician in the same session",
     "Added to the extra procedures when several are done together."),
    ("52", "Partly done service",
     "A service was partly reduced or left out at the clinician's choice",
     "Added when less than the full service was done."),
    ("57", "Visit led to major surgery",
     "An evaluation and management visit that resulted in the decision to perform major "
     "surgery",
     "Added to the visit where the decision to operate was made."),
    ("58", "Staged or planned follow-on",
     "A procedure during the postoperative period that was planned, more extensive, or "
     "therapy after a diagnostic procedure",
     "Added to a planned second-stage procedure."),
    ("59", "Separate procedure, same day",
     "A procedure that is separate from others done the same day, for example at another "
     "site, session or injury",
     "Added to show two procedures were truly separate; CMS prefers XE, XP, XS or XU when they "
     "fit."),
    ("76", "Repeat by same clinician",
     "The same procedure or service was repeated by the same clinician",
     "Added when the same doctor repeats a procedure."),
    ("77", "Repeat by other clinician",
     "The same procedure or service was repeated by a different clinician",
     "Added when another doctor repeats a procedure."),
    ("78", "Unplanned return to OR",
     "The patient had to go back to the operating room, not as planned, for something related "
     "to the first surgery, within its global period",
     "Added when a patient must go back to surgery for a complication."),
    ("79", "Unrelated procedure in post-op",
     "A procedure within a surgery's global period for a problem that has nothing to do with "
     "that surgery",
     "Added to a procedure after surgery that was for something else."),
    ("91", "Repeat lab test",
     "A laboratory test repeated on the same day to get new results",
     "Added when the same lab test is run again that day for new values."),
    ("95", "Real-time audio-video",
     "A visit held live over video with sound, patient and clinician in different places",
     "Added to a video visit."),
]
