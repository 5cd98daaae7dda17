//! Claim-line tables in text: a header row (`CPT | Mod | Units | Dx`) gives each column a role,
//! and the rows under it take that role cell by cell. Cells are split on `|`, tabs, or runs of
//! two or more spaces; tables come from HTML conversion, pasted spreadsheets and aligned text.
//! It only labels cells; whether a cell holds a code is decided elsewhere.

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// CPT or HCPCS codes.
    Procedure,
    /// Modifiers.
    Modifier,
    /// ICD-10-CM diagnoses.
    Diagnosis,
    /// Numbers that are never codes: units, charges, dates, NPIs, pointers, line numbers.
    Quantity,
    /// Anything else (descriptions): the ordinary rules apply.
    Other,
}

/// One cell of a table row: its byte span in the text and its column's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cell {
    pub start: usize,
    pub end: usize,
    pub role: Role,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Pipe,
    Tab,
    Spaces,
}

/// The role of a header cell's text, if it names a column.
fn header_role(cell: &str) -> Option<Role> {
    if cell.len() > 24 {
        return None;
    }
    let key: String = cell
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '#' || *c == '/')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let role = match key.as_str() {
        "cpt" | "hcpcs" | "cpt/hcpcs" | "hcpcs/cpt" | "code" | "codes" | "cptcode" | "cptcodes"
        | "hcpcscode" | "hcpcscodes" | "cpt/hcpcscode" | "cpt/hcpcscodes" | "hcpcs/cptcode"
        | "hcpcs/cptcodes" | "procedure" | "procedures" | "procedurecode" | "procedurecodes"
        | "proc" | "proccode" | "service" | "cpts" | "cpt#" => Role::Procedure,
        "mod" | "mods" | "modifier" | "modifiers" | "mod1" | "mod2" | "mod3" | "mod4"
        | "modifier1" | "modifier2" | "mod/s" | "modifier/s" | "modifier(s)" => Role::Modifier,
        "dx" | "dxs" | "dxcode" | "dxcodes" | "icd" | "icd10" | "icd10cm" | "icd10code"
        | "icd10codes" | "diagnosis" | "diagnoses" | "diagnosiscode" | "diagnosiscodes"
        | "icdcode" | "icdcodes" => Role::Diagnosis,
        "units" | "unit" | "qty" | "quantity" | "days" | "daysunits" | "charge" | "charges"
        | "fee" | "fees" | "amount" | "amt" | "billed" | "paid" | "allowed" | "dos" | "date"
        | "dateofservice" | "from" | "to" | "pos" | "npi" | "renderingnpi" | "pointer"
        | "dxpointer" | "ptr" | "line" | "line#" | "#" | "no" | "tos" | "total" | "balance"
        | "claim" | "claim#" | "acct" | "account" | "adjustment" | "adj" | "denial" | "carc"
        | "rarc" | "ndc" | "mue" => Role::Quantity,
        "description" | "desc" | "notes" | "note" | "comments" | "status" | "provider"
        | "result" | "reason" => Role::Other,
        _ => return None,
    };
    Some(role)
}

/// The cells of `line` (which starts at byte `offset`) split on `sep`.
fn split(line: &str, offset: usize, sep: Sep) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    let b = line.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let (is_sep, width) = match sep {
            Sep::Pipe => (b[i] == b'|', 1),
            Sep::Tab => (b[i] == b'\t', 1),
            Sep::Spaces => {
                if b[i] == b' ' && b.get(i + 1) == Some(&b' ') {
                    let run = b[i..].iter().take_while(|&&c| c == b' ').count();
                    (true, run)
                } else {
                    (false, 1)
                }
            }
        };
        if is_sep {
            cells.push((start, i));
            start = i + width;
        }
        i += width;
    }
    cells.push((start, b.len()));
    // Empty cells are kept, so the columns of a row line up with the header's.
    cells
        .into_iter()
        .map(|(s, e)| {
            let text = &line[s..e];
            let lead = text.len() - text.trim_start().len();
            let trimmed = text.trim();
            (offset + s + lead, offset + s + lead + trimmed.len())
        })
        .collect()
}

fn separator(line: &str) -> Option<Sep> {
    if line.contains('|') {
        Some(Sep::Pipe)
    } else if line.contains('\t') {
        Some(Sep::Tab)
    } else if line.contains("  ") {
        Some(Sep::Spaces)
    } else {
        None
    }
}

/// The table cells of every line of `text`, indexed by line number (empty for lines that are
/// not table rows under a recognised header).
pub(super) fn cells_by_line(text: &str) -> Vec<Vec<Cell>> {
    let mut out: Vec<Vec<Cell>> = Vec::new();
    // The header: separator, column roles, and column starts (relative to the line start).
    let mut header: Option<(Sep, Vec<Role>, Vec<usize>)> = None;
    let mut offset = 0;
    for raw_line in text.split('\n') {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let mut row = Vec::new();
        match separator(line) {
            None => header = None,
            Some(sep) => {
                let spans = split(line, offset, sep);
                let roles: Vec<Option<Role>> = spans
                    .iter()
                    .map(|&(s, e)| header_role(&text[s..e]))
                    .collect();
                let named = roles.iter().filter(|r| r.is_some()).count();
                let filled = spans.iter().filter(|(s, e)| e > s).count();
                let codes = roles
                    .iter()
                    .any(|r| matches!(r, Some(Role::Procedure | Role::Modifier | Role::Diagnosis)));
                let enough = if sep == Sep::Spaces { 3 } else { 2 };
                if filled >= 2 && named >= enough && named * 2 >= filled && codes {
                    header = Some((
                        sep,
                        roles.iter().map(|r| r.unwrap_or(Role::Other)).collect(),
                        spans.iter().map(|&(s, _)| s - offset).collect(),
                    ));
                } else if let Some((hsep, hroles, hstarts)) = &header {
                    // A row may hold a single cell (`| 25 |` under a merged code cell) when
                    // it has the header's columns.
                    let single = filled == 1 && sep != Sep::Spaces && spans.len() == hroles.len();
                    if *hsep == sep && (filled >= 2 || single) {
                        row = spans
                            .iter()
                            .enumerate()
                            .map(|(i, &(start, end))| {
                                // Aligned text may leave a column empty: place each cell under
                                // the header column it starts in.
                                let column = if sep == Sep::Spaces {
                                    hstarts
                                        .iter()
                                        .rposition(|&h| h <= start - offset + 1)
                                        .unwrap_or(0)
                                } else {
                                    i
                                };
                                Cell {
                                    start,
                                    end,
                                    role: hroles.get(column).copied().unwrap_or(Role::Other),
                                }
                            })
                            .collect();
                    } else {
                        header = None;
                    }
                }
            }
        }
        out.push(row);
        offset += raw_line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_take_roles_from_the_header() {
        let text = "Line | CPT | Mod | Units | Dx\n1 | 64483 | 50 | 1 | M54.16\n\nafter";
        let lines = cells_by_line(text);
        assert!(lines[0].is_empty(), "the header row itself holds no codes");
        let roles: Vec<(&str, Role)> = lines[1]
            .iter()
            .map(|c| (&text[c.start..c.end], c.role))
            .collect();
        assert_eq!(
            roles,
            vec![
                ("1", Role::Quantity),
                ("64483", Role::Procedure),
                ("50", Role::Modifier),
                ("1", Role::Quantity),
                ("M54.16", Role::Diagnosis),
            ]
        );
        assert!(lines[3].is_empty());
    }

    #[test]
    fn tabs_and_aligned_spaces() {
        let text = "CPT\tModifier\tUnits\n20610\tRT\t1\n";
        assert_eq!(cells_by_line(text)[1][1].role, Role::Modifier);
        let text = "CPT      Mod    Units   Dx\n99213    25     1       I10\n";
        let row = &cells_by_line(text)[1];
        assert_eq!(row.len(), 4);
        assert_eq!(row[3].role, Role::Diagnosis);
        assert_eq!(&text[row[3].start..row[3].end], "I10");
        let text =
            "DOS         CPT     Mod   Units   Dx\n04/02/2024  99024          1       Z48.815\n";
        let roles: Vec<Role> = cells_by_line(text)[1].iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            vec![
                Role::Quantity,
                Role::Procedure,
                Role::Quantity,
                Role::Diagnosis
            ]
        );
    }

    #[test]
    fn prose_with_pipes_is_no_table() {
        let text = "a | b\n99213 | 25\n";
        assert!(cells_by_line(text).iter().all(Vec::is_empty));
    }
}
