"""ICD-10-CM FY2026 order-file addenda for the sample: real FY2025 -> FY2026 changes only.

Only changes that touch codes in the sample are listed, so the summary counts at the end of the
generated file describe the sample (its FY2025 and FY2026 states), not the whole classification.

("Add", code): the code is in the sample order file; its record is written from there.
("Delete", code, billable, short, long): the record as it was in FY2025. A code may be deleted
as a billable code and added back as a header in the same release (E78.01 below), as in the
official file.
"""

CHANGES = [
    ("Add", "E11A"),
    ("Delete", "E7801", True, "Familial hypercholesterolemia", "Familial hypercholesterolemia"),
    ("Add", "E7801"),
    ("Add", "E78019"),
]
