//! The Debian package `scripts/package-deb` makes of the binary this test run built: its control
//! data and contents; then, as root, installed into this system with dpkg, run as it lays itself
//! out (the staff page as user codedesk in /var/lib/codedesk with /etc/codedesk's config),
//! reinstalled over itself, removed (data, config and user kept) and purged (all gone). The
//! machine is left as found: a guard purges the package whatever happens, and the test skips
//! when codedesk is installed here already.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

fn ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The .deb of this run's binary, built once for the tests of this file.
fn deb() -> &'static Path {
    static DEB: OnceLock<PathBuf> = OnceLock::new();
    DEB.get_or_init(|| {
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("deb");
        let _ = std::fs::remove_dir_all(&out_dir);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/package-deb");
        let started = Instant::now();
        let out = Command::new(&script)
            .args(["--binary", env!("CARGO_BIN_EXE_codedesk"), "--out"])
            .arg(&out_dir)
            .output()
            .expect("run scripts/package-deb");
        assert!(out.status.success(), "package-deb failed:\n{}", text(&out));
        let deb = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let size = std::fs::metadata(&deb).expect("the .deb it named").len();
        eprintln!(
            "package-deb wrote {} ({:.1} MB) in {:.1} s",
            deb.display(),
            size as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
        deb
    })
}

/// `dpkg-deb --contents`: each path (without the leading `.`) with its mode and owner.
fn contents(deb: &Path) -> HashMap<String, (String, String)> {
    ok("dpkg-deb", &["--contents", deb.to_str().unwrap()])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let path = f[5]
                .trim_start_matches('.')
                .trim_end_matches('/')
                .to_string();
            (path, (f[0].to_string(), f[1].to_string()))
        })
        .collect()
}

/// One file of the package's data, read without installing it.
fn file_in(deb: &Path, path: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "dpkg-deb --fsys-tarfile '{}' | tar -xOf - '.{path}'",
            deb.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{path}: {}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_deb_holds_the_binary_units_config_and_data_folder() {
    let deb = deb();
    let version = env!("CARGO_PKG_VERSION");
    let arch = ok("dpkg", &["--print-architecture"]);
    let info = ok("dpkg-deb", &["--info", deb.to_str().unwrap()]);
    assert!(info.contains(" Package: codedesk\n"), "{info}");
    assert!(info.contains(&format!(" Version: {version}-1\n")), "{info}");
    assert!(
        info.contains(&format!(" Architecture: {}\n", arch.trim())),
        "{info}"
    );
    let depends = info
        .lines()
        .find_map(|l| l.strip_prefix(" Depends: "))
        .unwrap_or_else(|| panic!("no Depends: {info}"));
    assert!(depends.contains("libc6 (>= 2."), "{depends}");
    assert!(depends.contains("adduser"), "{depends}");
    // [desk] timezone reads the system's time zone database.
    assert!(depends.contains("tzdata"), "{depends}");
    // The control members: maintainer scripts (executable: `*`), conffiles, md5sums.
    for member in ["postinst", "prerm", "postrm", "conffiles", "md5sums"] {
        let line = info
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == member))
            .unwrap_or_else(|| panic!("no {member} in the package: {info}"));
        let is_script = ["postinst", "prerm", "postrm"].contains(&member);
        assert_eq!(line.contains(" * "), is_script, "{line}");
    }
    let conffiles = ok("dpkg-deb", &["--info", deb.to_str().unwrap(), "conffiles"]);
    assert_eq!(conffiles, "/etc/codedesk/codedesk.toml\n");

    let files = contents(deb);
    let expect = [
        ("/usr/bin/codedesk", "-rwxr-xr-x"),
        ("/etc/codedesk/codedesk.toml", "-rw-r-----"),
        ("/var/lib/codedesk", "drwx------"),
        ("/lib/systemd/system/codedesk-worker@.service", "-rw-r--r--"),
        ("/lib/systemd/system/codedesk-web.service", "-rw-r--r--"),
        ("/usr/share/doc/codedesk/copyright", "-rw-r--r--"),
        ("/usr/share/doc/codedesk/changelog.Debian.gz", "-rw-r--r--"),
        ("/usr/share/doc/codedesk/README.md", "-rw-r--r--"),
    ];
    for (path, mode) in expect {
        let (m, owner) = files
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the package: {files:#?}"));
        assert_eq!(m, mode, "{path}");
        assert_eq!(owner, "root/root", "{path}");
    }
    assert!(files.values().all(|(_, o)| o == "root/root"), "{files:#?}");

    // The config keeps its data in /var/lib/codedesk, whatever folder a command runs in.
    let config = file_in(deb, "/etc/codedesk/codedesk.toml");
    assert!(
        config.contains("url = \"sqlite:///var/lib/codedesk/codedesk.db\""),
        "{config}"
    );
    assert!(
        config.contains("dir = \"/var/lib/codedesk/codedesk-index\""),
        "{config}"
    );
    for (unit, command) in [
        ("codedesk-worker@.service", "worker"),
        ("codedesk-web.service", "web"),
    ] {
        let text = file_in(deb, &format!("/lib/systemd/system/{unit}"));
        assert!(
            text.contains(&format!("\nExecStart=/usr/bin/codedesk {command}\n")),
            "{text}"
        );
        for line in [
            "User=codedesk",
            "WorkingDirectory=/var/lib/codedesk",
            "Environment=CODEDESK_CONFIG=/etc/codedesk/codedesk.toml",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/codedesk",
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=",
        ] {
            assert!(text.lines().any(|l| l == line), "{unit} lacks {line}");
        }
    }
    let copyright = file_in(deb, "/usr/share/doc/codedesk/copyright");
    assert!(copyright.contains("License: MIT"), "{copyright}");

    // Lintian, when it is installed (it is not needed otherwise): no errors.
    if let Ok(out) = Command::new("lintian").arg(deb).output() {
        let report = text(&out);
        eprintln!("lintian:\n{report}");
        let errors: Vec<_> = report.lines().filter(|l| l.starts_with("E:")).collect();
        assert!(errors.is_empty(), "lintian: {errors:#?}");
    }
}

/// Whether dpkg knows the package at all (installed, or removed with its config kept).
fn known_to_dpkg() -> bool {
    let out = run("dpkg-query", &["-W", "-f=${db:Status-Status}", "codedesk"]);
    out.status.success() && String::from_utf8_lossy(&out.stdout).trim() != "not-installed"
}

fn user_exists(name: &str) -> bool {
    run("getent", &["passwd", name]).status.success()
}

fn group_exists(name: &str) -> bool {
    run("getent", &["group", name]).status.success()
}

/// dpkg with `args`, waiting up to two minutes for another dpkg or apt to finish.
fn dpkg(args: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let out = Command::new("dpkg")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .expect("run dpkg");
        let log = text(&out);
        if out.status.success() {
            return log;
        }
        if log.contains("lock") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_secs(2));
            continue;
        }
        panic!("dpkg {args:?} failed:\n{log}");
    }
}

/// Purges the package (and stops the page) however the test ends, so the machine is left as
/// it was found.
struct Installed {
    page: Option<Child>,
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Some(mut page) = self.page.take() {
            let _ = page.kill();
            let _ = page.wait();
        }
        if known_to_dpkg() {
            let _ = Command::new("dpkg").args(["--purge", "codedesk"]).output();
        }
    }
}

/// Serialises this test between test runs on one machine (one dpkg package, one user).
fn machine_lock() -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("codedesk-deb-test.lock"))
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor we own; the lock lasts as long as the file stays open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(rc, 0, "cannot lock {:?}", file);
    file
}

/// The `Key=value` settings of a systemd unit, in order (a key may repeat).
fn unit_settings(path: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `path` from 127.0.0.1:`port`, retrying until the server answers or 30 s pass.
fn get(port: u16, path: &str, page: &mut Child) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = page.try_wait() {
            let mut err = String::new();
            let _ = page.stderr.take().unwrap().read_to_string(&mut err);
            panic!("the page exited ({status}):\n{err}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(
                s,
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            if s.read_to_string(&mut answer).is_ok() && !answer.is_empty() {
                return answer;
            }
        }
        assert!(Instant::now() < deadline, "the page did not answer {path}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether strace can trace here (a container may forbid ptrace).
fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The system calls named in an `strace -f` log.
fn syscalls_in(log: &str) -> BTreeSet<String> {
    log.lines()
        .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest.trim_start()))
        .filter_map(|call| {
            let name: String = call
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty() && call[name.len()..].starts_with('(')).then_some(name)
        })
        .collect()
}

/// The system calls a unit's `SystemCallFilter=` lines allow (an allow list, then `~` deny
/// lists), with the groups expanded as `systemd-analyze syscall-filter` lists them; `None`
/// without systemd-analyze.
fn allowed_syscalls(unit: &[(String, String)]) -> Option<BTreeSet<String>> {
    let out = Command::new("systemd-analyze")
        .arg("syscall-filter")
        .output()
        .ok()?;
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    let mut current = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let item = line.trim();
        if item.is_empty() || item.starts_with('#') {
            continue;
        }
        if line.starts_with('@') {
            let name = item.split_whitespace().next().unwrap().to_string();
            groups.entry(name.clone()).or_default();
            current = Some(name);
        } else if let Some(group) = &current {
            let name = item.split_whitespace().next().unwrap().to_string();
            groups.get_mut(group).unwrap().push(name);
        }
    }
    fn expand(name: &str, groups: &HashMap<String, Vec<String>>, out: &mut BTreeSet<String>) {
        match groups.get(name) {
            Some(members) => members.iter().for_each(|m| expand(m, groups, out)),
            None => {
                out.insert(name.to_string());
            }
        }
    }
    let mut allowed = BTreeSet::new();
    for (key, value) in unit {
        if key != "SystemCallFilter" {
            continue;
        }
        let (deny, list) = match value.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, value.as_str()),
        };
        let mut set = BTreeSet::new();
        for name in list.split_whitespace() {
            expand(name, &groups, &mut set);
        }
        if deny {
            allowed.retain(|s| !set.contains(s));
        } else {
            allowed.extend(set);
        }
    }
    assert!(!allowed.is_empty(), "the unit allows no system call");
    Some(allowed)
}

/// The first child of `pid` (the program strace runs).
fn child_of(pid: u32) -> Option<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn mode_and_owner(path: &str) -> (u32, u32, u32) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (m.mode() & 0o7777, m.uid(), m.gid())
}

fn id(flag: &str, name: &str) -> u32 {
    ok("id", &[flag, name]).trim().parse().unwrap()
}

#[test]
fn the_deb_installs_runs_as_its_user_and_purges_clean() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        common::skipped(
            "root (dpkg -i into this system)",
            "run scripts/test as root, as CI does",
        );
        return;
    }
    let deb = deb().to_str().unwrap().to_string();
    let _lock = machine_lock();
    if known_to_dpkg() || user_exists("codedesk") || group_exists("codedesk") {
        common::skipped(
            "a system without codedesk (it is installed here, or its user exists)",
            "dpkg --purge codedesk (and deluser --system codedesk) first",
        );
        return;
    }
    let mut guard = Installed { page: None };

    dpkg(&["-i", &deb]);
    // The system user, its data folder, the config it may read and not write.
    let passwd = ok("getent", &["passwd", "codedesk"]);
    let fields: Vec<&str> = passwd.trim().split(':').collect();
    let uid: u32 = fields[2].parse().unwrap();
    assert!(uid < 1000, "not a system user: {passwd}");
    assert_eq!(fields[5], "/var/lib/codedesk", "{passwd}");
    assert_eq!(fields[6], "/usr/sbin/nologin", "{passwd}");
    let gid = id("-g", "codedesk");
    assert_eq!(mode_and_owner("/var/lib/codedesk"), (0o700, uid, gid));
    assert_eq!(
        mode_and_owner("/etc/codedesk/codedesk.toml"),
        (0o640, 0, gid)
    );
    assert_eq!(mode_and_owner("/usr/bin/codedesk"), (0o755, 0, 0));

    // The installed binary is this run's, and runs from any folder.
    let version = ok("/usr/bin/codedesk", &["--version"]);
    let ours = ok(env!("CARGO_BIN_EXE_codedesk"), &["--version"]);
    assert_eq!(version, ours);
    let folder = common::TempDir::new("deb-init");
    let init = Command::new("/usr/bin/codedesk")
        .arg("init")
        .current_dir(folder.path())
        .env_remove("CODEDESK_CONFIG")
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", text(&init));
    assert!(
        text(&init).contains("wrote codedesk.toml"),
        "{}",
        text(&init)
    );
    let written = std::fs::read_to_string(folder.path().join("codedesk.toml")).unwrap();
    assert!(written.contains("[mailbox]"), "{written}");

    // The units as systemd reads them, when systemd-analyze is here.
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok()
    {
        for unit in ["codedesk-web.service", "codedesk-worker@1.service"] {
            let out = Command::new("systemd-analyze")
                .args(["verify", unit])
                .output()
                .unwrap();
            assert!(out.status.success(), "{unit}: {}", text(&out));
            let complaints: Vec<_> = text(&out)
                .lines()
                .filter(|l| l.contains("codedesk"))
                .map(str::to_string)
                .collect();
            assert!(complaints.is_empty(), "{unit}: {complaints:#?}");
        }
    } else {
        eprintln!("systemd-analyze is not here: the units are not verified");
    }

    // The staff page as codedesk-web.service starts it: its user, folder, environment and
    // command (on a free port instead of the config's).
    let unit = unit_settings("/lib/systemd/system/codedesk-web.service");
    let setting = |key: &str| {
        unit.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the unit has no {key}"))
    };
    let exec: Vec<String> = setting("ExecStart")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    // Under strace when it works here, to check the system calls against the unit's filter.
    let traces = common::TempDir::new("deb-trace");
    std::os::unix::fs::chown(traces.path(), Some(uid), Some(gid)).unwrap();
    let traced = strace_works();
    if !traced {
        eprintln!("strace is not usable here: the units' system call filter is not checked");
    }
    let as_the_unit = |program: &[String], dir: &str, trace: &str| {
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--reuid={}", setting("User")))
            .arg(format!("--regid={}", setting("Group")))
            .arg("--init-groups")
            .arg("--");
        if traced {
            cmd.args(["strace", "-f", "-qq", "-o"])
                .arg(traces.path().join(trace));
        }
        cmd.args(program)
            .current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/bin:/bin");
        for (k, v) in &unit {
            if k == "Environment" {
                let (name, value) = v.split_once('=').unwrap();
                cmd.env(name, value);
            }
        }
        cmd
    };
    let port = free_port();
    let mut program = exec.clone();
    program.extend(["--listen".to_string(), format!("127.0.0.1:{port}")]);
    let mut cmd = as_the_unit(&program, &setting("WorkingDirectory"), "page.log");
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    guard.page = Some(cmd.spawn().expect("start the page"));
    let page = guard.page.as_mut().unwrap();
    let login = get(port, "/login", page);
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains("<form"), "{login}");
    let metrics = get(port, "/metrics", page);
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(metrics.contains("codedesk_cases"), "{metrics}");
    // The page itself, not strace, gets the SIGTERM systemd sends.
    let pid = if traced {
        child_of(page.id()).expect("the page under strace")
    } else {
        page.id() as i32
    };
    // SAFETY: kill on the pid of a process we started, still running (not reaped).
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let status = page.wait().unwrap();
    guard.page = None;
    assert!(
        status.success(),
        "the page did not end cleanly on SIGTERM: {status}"
    );
    // It made its database where the config says, as its user, private.
    let db = "/var/lib/codedesk/codedesk.db";
    assert_eq!(mode_and_owner(db), (0o600, uid, gid));

    // The demo as the service user, in a folder of its own: import, index, answer, reply.
    let demo_dir = traces.path().join("demo");
    std::fs::create_dir(&demo_dir).unwrap();
    std::os::unix::fs::chown(&demo_dir, Some(uid), Some(gid)).unwrap();
    let demo = as_the_unit(
        &[exec[0].clone(), "demo".to_string()],
        demo_dir.to_str().unwrap(),
        "demo.log",
    )
    .env_remove("CODEDESK_CONFIG")
    .output()
    .unwrap();
    assert!(demo.status.success(), "{}", text(&demo));
    assert!(
        text(&demo).contains("9 questions, 9 stored"),
        "{}",
        text(&demo)
    );

    // Every system call they made passes the units' filter (SystemCallFilter=).
    if traced {
        let worker = unit_settings("/lib/systemd/system/codedesk-worker@.service");
        for (unit_name, settings) in [("codedesk-web", &unit), ("codedesk-worker@", &worker)] {
            let Some(allowed) = allowed_syscalls(settings) else {
                eprintln!("systemd-analyze is not here: the system call filter is not checked");
                break;
            };
            for trace in ["page.log", "demo.log"] {
                let log = std::fs::read_to_string(traces.path().join(trace)).unwrap();
                let used = syscalls_in(&log);
                assert!(used.len() > 20, "{trace}: {used:?}");
                let refused: Vec<_> = used.difference(&allowed).collect();
                assert!(
                    refused.is_empty(),
                    "{unit_name}.service would refuse (EPERM) what {trace} used: {refused:?}"
                );
            }
        }
    }

    // Installed again over itself (as an upgrade runs): the edited config and the data stay.
    let mut edited = std::fs::read_to_string("/etc/codedesk/codedesk.toml").unwrap();
    edited.push_str("# edited by the admin\n");
    std::fs::write("/etc/codedesk/codedesk.toml", &edited).unwrap();
    dpkg(&["--force-confold", "-i", &deb]);
    assert_eq!(
        std::fs::read_to_string("/etc/codedesk/codedesk.toml").unwrap(),
        edited
    );
    assert_eq!(
        mode_and_owner("/etc/codedesk/codedesk.toml"),
        (0o640, 0, gid)
    );
    assert_eq!(mode_and_owner("/var/lib/codedesk"), (0o700, uid, gid));
    assert_eq!(id("-u", "codedesk"), uid, "the user was kept");

    // Removed: the program goes, the data, the config and the user stay.
    dpkg(&["--remove", "codedesk"]);
    assert!(!Path::new("/usr/bin/codedesk").exists());
    assert!(!Path::new("/lib/systemd/system/codedesk-web.service").exists());
    assert!(Path::new(db).is_file(), "remove deleted the data");
    assert!(Path::new("/etc/codedesk/codedesk.toml").is_file());
    assert!(user_exists("codedesk"));
    assert!(known_to_dpkg());

    // Purged: the data, the config and the user go too.
    dpkg(&["--purge", "codedesk"]);
    assert!(!known_to_dpkg());
    assert!(!Path::new("/var/lib/codedesk").exists());
    assert!(!Path::new("/etc/codedesk").exists());
    assert!(!user_exists("codedesk"));
    assert!(!group_exists("codedesk"));
}
