//! `codedesk import` over downloads as CMS and CDC publish them: zip archives (archives in them
//! too) in nested folders, documentation beside the data. Every file is imported or listed as
//! skipped with the reason, and a run that recognises nothing fails.

mod common;

use common::{TempDir, codesets, sample};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn codedesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .current_dir(dir)
        .env_remove("CODEDESK_DATABASE_URL")
        .env_remove("CODEDESK_INDEX_DIR")
        .env_remove("CODEDESK_CONFIG")
        .args(args)
        .output()
        .expect("run codedesk")
}

/// A zip archive (deflated) of `members`: name and bytes.
fn zip(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sample_file(name: &str) -> Vec<u8> {
    std::fs::read(sample().join(name)).unwrap()
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn zip_archives_in_nested_folders_are_imported_and_the_rest_listed() {
    let dir = TempDir::new("zip-import");
    let downloads = dir.path().join("downloads");
    write(
        &downloads.join("2026-code-descriptions-tabular-order.zip"),
        &zip(&[
            (
                "Code Descriptions/icd10cm_order_2026.txt",
                sample_file("icd10cm_order_2026.txt"),
            ),
            (
                "Code Descriptions/icd10OrderFiles.pdf",
                b"%PDF-1.4 not data".to_vec(),
            ),
            (
                "icd10cm_order_addenda_2026.txt",
                sample_file("icd10cm_order_addenda_2026.txt"),
            ),
        ]),
    );
    // An archive holding an archive, two folders down (the NCCI PTP download is one zip per
    // quarter with one per file inside).
    write(
        &downloads.join("ncci/2026q1/ptp.zip"),
        &zip(&[(
            "ccipra-v320r0-f1.zip",
            zip(&[("ccipra-v320r0-f1.txt", sample_file("ccipra-v320r0-f1.txt"))]),
        )]),
    );
    write(
        &downloads.join("hcpcs/HCPC2026_JAN_ANWEB.txt"),
        &sample_file("HCPC2026_JAN_ANWEB.txt"),
    );
    write(&downloads.join("notes.txt"), b"call the billing office\n");

    let out = codedesk(dir.path(), &["import", "downloads"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}\n{stderr}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for imported in [
        "imported downloads/2026-code-descriptions-tabular-order.zip!Code Descriptions/icd10cm_order_2026.txt: ICD-10-CM FY2026",
        "imported downloads/2026-code-descriptions-tabular-order.zip!icd10cm_order_addenda_2026.txt",
        "imported downloads/ncci/2026q1/ptp.zip!ccipra-v320r0-f1.zip!ccipra-v320r0-f1.txt",
        "imported downloads/hcpcs/HCPC2026_JAN_ANWEB.txt",
    ] {
        assert!(stdout.contains(imported), "{imported}\n{stdout}");
    }
    assert!(
        stdout.contains(
            "skipped downloads/2026-code-descriptions-tabular-order.zip!Code Descriptions/icd10OrderFiles.pdf: documentation"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped downloads/notes.txt: not a code-set file"),
        "{stdout}"
    );
    // Not a terminal: a plain line before each file instead of a progress bar.
    assert!(
        stderr.contains("importing downloads/hcpcs/HCPC2026_JAN_ANWEB.txt ("),
        "{stderr}"
    );
    assert!(stdout.contains("search index codedesk-index:"), "{stdout}");

    // What came out of the archives is looked up like any file's codes.
    let out = codedesk(dir.path(), &["lookup", "--json", "M54.16", "J1030"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let views: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let views = views.as_array().unwrap();
    assert_eq!(views.len(), 2, "{stdout}");
    assert_eq!(views[0]["status"], "valid", "{stdout}");
    assert_eq!(views[0]["release"], "ICD-10-CM FY2026", "{stdout}");
    assert_eq!(views[1]["status"], "deleted", "{stdout}");
    assert_eq!(views[1]["release"], "HCPCS 2026-01", "{stdout}");

    // Again: the archives' files are known by their bytes.
    let again = codedesk(dir.path(), &["import", "downloads"]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{stdout}");
    assert_eq!(stdout.matches("already imported").count(), 4, "{stdout}");
}

#[test]
fn a_run_that_recognises_nothing_fails_and_lists_every_file() {
    let dir = TempDir::new("zip-nothing");
    let downloads = dir.path().join("downloads");
    write(
        &downloads.join("guidelines.zip"),
        &zip(&[
            ("fy2026-icd10cm-guidelines.pdf", b"%PDF-1.4".to_vec()),
            (
                "addenda-notes.txt",
                b"call the billing office about these changes\n".to_vec(),
            ),
        ]),
    );
    write(&downloads.join("more/list.csv"), b"name,phone\nDesk,555\n");
    let out = codedesk(dir.path(), &["import", "downloads"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("nothing was imported") && stderr.contains("3 skipped"),
        "{stderr}"
    );
    for skipped in [
        "skipped downloads/guidelines.zip!fy2026-icd10cm-guidelines.pdf: documentation",
        "skipped downloads/guidelines.zip!addenda-notes.txt: not a code-set file",
        "skipped downloads/more/list.csv: not a code-set file",
    ] {
        assert!(stdout.contains(skipped), "{skipped}\n{stdout}");
    }
}

#[test]
fn a_zip_of_the_real_gem_files_imports_their_mappings() {
    let Some(root) = codesets() else { return };
    let dir = TempDir::new("zip-real");
    let gems = |name: &str| std::fs::read(root.join("gems").join(name)).unwrap();
    write(
        &dir.path()
            .join("2018-ICD-10-CM-General-Equivalence-Mappings.zip"),
        &zip(&[
            ("2018_I10gem.txt", gems("2018_I10gem.txt")),
            ("2018_I9gem.txt", gems("2018_I9gem.txt")),
            ("Dxgem_guide_2018.pdf", gems("Dxgem_guide_2018.pdf")),
        ]),
    );
    let out = codedesk(
        dir.path(),
        &["import", "2018-ICD-10-CM-General-Equivalence-Mappings.zip"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{stdout}");
    assert!(stdout.contains("81,593 mappings"), "{stdout}");
    assert!(stdout.contains("24,860 mappings"), "{stdout}");
    assert!(
        stdout.contains("skipped 2018-ICD-10-CM-General-Equivalence-Mappings.zip!Dxgem_guide_2018.pdf: documentation"),
        "{stdout}"
    );
}
