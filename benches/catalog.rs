//! Catalog benchmark: full import of the real files plus a synthetic 1,000,000-row PTP file (time
//! and peak memory of the real binary), the Medicare fee schedule (PPRRVU) alone, the import
//! time of each ICD-10-CM Index Table on its own, then code lookup, search and Index walk latency
//! percentiles.
//!
//! `cargo bench --bench catalog` with CODEDESK_CODESETS pointing at the real files.

use codedesk::codes::import::{self, Outcome, Overrides};
use codedesk::codes::{Catalog, CodeSystem, normalize};
use codedesk::store::Store;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Runs a command and returns its wall time and peak resident memory (from wait4's rusage).
// The child is reaped by wait4 below, which std's wait cannot do with rusage.
#[allow(clippy::zombie_processes)]
fn run_measured(cmd: &mut std::process::Command) -> (Duration, u64) {
    let started = Instant::now();
    let child = cmd.spawn().expect("start codedesk");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4 failed");
    let elapsed = started.elapsed();
    assert!(libc::WIFEXITED(status), "codedesk import was killed");
    (elapsed, usage.ru_maxrss as u64 * 1024)
}

/// Codes of the order files and the MUE table: what lookups are timed on.
fn codes_to_look_up(root: &Path) -> Vec<(CodeSystem, String)> {
    let mut out = Vec::new();
    for (file, system) in [
        ("icd10cm/icd10cm_order_2026.txt", CodeSystem::Icd10Cm),
        ("icd10pcs/icd10pcs_order_2026.txt", CodeSystem::Icd10Pcs),
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("order file");
        for line in text.lines().step_by(37) {
            if let Some(code) = line.get(6..13).and_then(|c| normalize(system, c.trim())) {
                out.push((system, code));
            }
        }
    }
    let mue = std::fs::read(root.join("ncci/mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"))
        .unwrap();
    for line in String::from_utf8_lossy(&mue).lines().step_by(7) {
        let code = line.split(',').next().unwrap_or("");
        if let Some(c) = normalize(CodeSystem::Cpt, code) {
            out.push((CodeSystem::Cpt, c));
        } else if let Some(c) = normalize(CodeSystem::Hcpcs, code) {
            out.push((CodeSystem::Hcpcs, c));
        }
    }
    out
}

const QUERIES: &[&str] = &[
    "radiculopaty lumbar",
    "lumbar radiculopathy",
    "type 2 diabetes without complications",
    "DM2 with hyperglycemia",
    "low back pain",
    "htn ckd stage 3",
    "fracture neck of right femur initial encounter",
    "torus fracture upper end fibula",
    "methylprednisolone acetate",
    "injection triamcinolone",
    "copd exacerbation",
    "atrial fibrilation",
    "urinary tract infection",
    "major depressive disorder recurrent moderate",
    "carpal tunnel syndrome left",
    "knee osteoarthritis bilateral",
    "spinal stenosis lumbar neurogenic claudication",
    "insertion of infusion device",
    "total knee replacement",
    "electrical stimulation unattended",
    "M5416",
    "99213",
    "sciatica",
    "chest pain unspecified",
    "headache",
];

fn main() {
    let Ok(root) = std::env::var("CODEDESK_CODESETS") else {
        eprintln!(
            "set CODEDESK_CODESETS to the folder of the real CMS files (e.g. ../shared/codesets)"
        );
        std::process::exit(2);
    };
    let root = PathBuf::from(root);
    let work = std::env::temp_dir().join(format!("codedesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let ptp = work.join("ccipra-v323r0-f1.txt");
    let status = std::process::Command::new("python3")
        .arg(root.join("../tools/gen-ptp.py"))
        .arg("1000000")
        .arg(&ptp)
        .status()
        .expect("python3");
    assert!(status.success(), "gen-ptp.py failed");

    let db = format!("sqlite://{}/bench.db", work.display());
    let index = work.join("index");
    let (elapsed, peak) = run_measured(
        std::process::Command::new(env!("CARGO_BIN_EXE_codedesk"))
            .arg("--db")
            .arg(&db)
            .arg("--index")
            .arg(&index)
            .arg("import")
            .arg(&root)
            .arg(&ptp)
            .stdout(std::process::Stdio::null()),
    );
    println!(
        "catalog benchmark ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "  full import of {} + 1,000,000-row PTP, index included: {:.1} s, peak memory {:.0} MB",
        root.display(),
        elapsed.as_secs_f64(),
        peak as f64 / 1_048_576.0
    );

    // The fee schedule alone into an empty database: the file's own import time (as `codedesk
    // import` prints it) and the whole command with its index.
    let fee_file = root.join("mpfs/PPRRVU23_JAN.csv");
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_codedesk"))
        .arg("--db")
        .arg(format!("sqlite://{}/fee.db", work.display()))
        .arg("--index")
        .arg(work.join("fee-index"))
        .arg("import")
        .arg(&fee_file)
        .output()
        .expect("run codedesk import");
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let file_time = printed
        .lines()
        .find(|l| l.starts_with("imported"))
        .and_then(|l| l.split(" in ").nth(1))
        .and_then(|l| l.split(':').next())
        .unwrap_or("?");
    println!(
        "  Medicare fee schedule {} alone: file {file_time} (parse and write), {:.1} s with the search index",
        fee_file.file_name().unwrap().to_string_lossy(),
        wall.as_secs_f64()
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Each Index book alone into a fresh database: parse, write, commit (no search index).
    let tables_db = format!("sqlite://{}/tables.db", work.display());
    let tables = rt.block_on(Store::connect(&tables_db)).unwrap();
    for file in [
        "icd-10-cm-drug-2025.xml",
        "icd-10-cm-neoplasm-2025.xml",
        "icd-10-cm-eindex-2025.xml",
    ] {
        let path = root.join("icd10cm/index-2025").join(file);
        let t = Instant::now();
        let outcome = rt
            .block_on(import::run(
                &tables,
                &path,
                &Overrides::default(),
                indicatif::ProgressBar::hidden(),
            ))
            .unwrap();
        let Outcome::Imported { counts, .. } = outcome else {
            panic!("{file} was imported before")
        };
        println!(
            "  import of {file} alone: {:.0} ms ({})",
            t.elapsed().as_secs_f64() * 1e3,
            counts
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let store = rt.block_on(Store::connect(&db)).unwrap();
    let catalog = rt.block_on(Catalog::open(store, &index)).unwrap();
    let codes = codes_to_look_up(&root);
    // Warm up: the first touch of each index page comes from the page cache, as in a worker.
    for (s, c) in &codes {
        let _ = catalog.entry(*s, c).unwrap();
    }
    let mut times = Vec::with_capacity(codes.len() * 3);
    let mut found = 0;
    for _ in 0..3 {
        for (s, c) in &codes {
            let t = Instant::now();
            let e = catalog.entry(*s, c).unwrap();
            times.push(t.elapsed());
            found += usize::from(e.is_some());
        }
    }
    times.sort();
    println!(
        "  code lookup (entry with inherited notes), {} lookups, {} found: p50 {}, p99 {}, max {}",
        times.len(),
        found,
        micros(percentile(&times, 0.5)),
        micros(percentile(&times, 0.99)),
        micros(*times.last().unwrap())
    );

    let mut times = Vec::new();
    for _ in 0..40 {
        for q in QUERIES {
            let t = Instant::now();
            let hits = catalog.search(q, None, 10).unwrap();
            times.push(t.elapsed());
            assert!(!hits.is_empty(), "{q}");
        }
    }
    times.sort();
    println!(
        "  search (10 results), {} queries: p50 {}, p99 {}, max {}",
        times.len(),
        micros(percentile(&times, 0.5)),
        micros(percentile(&times, 0.99)),
        micros(*times.last().unwrap())
    );

    let t = Instant::now();
    let catalog = rt
        .block_on(Catalog::open(catalog.store().clone(), &index))
        .unwrap();
    println!(
        "  catalog open with the Index books in memory: {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for _ in 0..40 {
        for q in WALKS {
            let t = Instant::now();
            let leads = catalog.index_leads(q);
            times.push(t.elapsed());
            assert!(!leads.is_empty(), "{q}");
        }
    }
    times.sort();
    println!(
        "  Index walk, {} questions: p50 {}, p99 {}, max {}",
        times.len(),
        micros(percentile(&times, 0.5)),
        micros(percentile(&times, 0.99)),
        micros(*times.last().unwrap())
    );
    let _ = std::fs::remove_dir_all(&work);
}

/// Questions in words the Index books answer.
const WALKS: &[&str] = &[
    "adverse effect of amoxicillin, initial encounter",
    "accidental acetaminophen poisoning",
    "benign neoplasm of the hard palate",
    "carcinoma in situ of the skin of the breast",
    "colon ca with mets to liver",
    "patient fell off a ladder, external cause",
    "bitten by a dog, external cause code",
    "intentional overdose of alprazolam",
];
