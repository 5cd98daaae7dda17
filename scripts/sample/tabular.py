"""Small building blocks for the hand-written ICD-10-CM tabular sample (see icd10cm.py).

A `D` is one `<diag>`: its name (with the dot), its official long title, its notes, its
children. `Seven` is a `<sevenChrDef>` with the `<sevenChrNote>` that introduces it.
Nothing here knows about files; make_sample.py turns the tree into the XML and order files.
"""

from dataclasses import dataclass, field

# Note kinds in the order the official tabular XML usually writes them inside a <diag>.
NOTE_KINDS = (
    "notes",
    "includes",
    "inclusionTerm",
    "codeFirst",
    "useAdditionalCode",
    "codeAlso",
    "excludes1",
    "excludes2",
)


@dataclass
class Seven:
    """A 7th-character definition: note text, then (character, meaning) pairs.

    `inner_notes` maps a character to a <note> the official file places right after that
    character's <extension> (e.g. after B: "initial encounter for open fracture NOS").
    """

    note: str
    chars: list
    inner_notes: dict = field(default_factory=dict)


@dataclass
class D:
    name: str
    desc: str
    children: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)
    seven: Seven | None = None
    short: str | None = None


def diag(name, desc, *children, seven=None, short=None, **notes):
    """A <diag>. Keyword arguments are note kinds (see NOTE_KINDS), each a list of strings."""
    for kind in notes:
        if kind not in NOTE_KINDS:
            raise ValueError(f"{name}: unknown note kind {kind!r}")
    return D(name, desc, list(children), notes, seven, short)


@dataclass
class Section:
    id: str
    desc: str
    diags: list
    notes: dict = field(default_factory=dict)


def section(id, desc, *diags, **notes):
    return Section(id, desc, list(diags), notes)


@dataclass
class Chapter:
    name: str
    desc: str
    sections: list
    notes: dict = field(default_factory=dict)


def chapter(name, desc, *sections, **notes):
    return Chapter(name, desc, list(sections), notes)
