//! The Debian package as an administrator installs it: built with
//! `cargo deb` from the binary these tests run, unpacked with `dpkg-deb -x`,
//! its systemd unit checked with `systemd-analyze verify` where that runs,
//! and the unit's own `ExecStart`, with the unit's environment and its
//! configuration file, started as the test's user on a scratch data
//! directory until `/health` answers. Needs cargo-deb and dpkg-deb; CI
//! installs them and sets `BIENPHONG_REQUIRE_PACKAGE`, so there it fails
//! rather than skips.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the environment"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether this machine can build and unpack a package; a missing tool is
/// a failure where the package is required.
fn tools_present() -> bool {
    let present = have("cargo", &["deb", "--version"]) && have("dpkg-deb", &["--version"]);
    if !present {
        assert!(
            std::env::var_os("BIENPHONG_REQUIRE_PACKAGE").is_none(),
            "BIENPHONG_REQUIRE_PACKAGE is set but cargo-deb or dpkg-deb is missing \
             (cargo install cargo-deb --locked)"
        );
        eprintln!("package test skipped: cargo-deb or dpkg-deb missing");
    }
    present
}

/// The unit file's `Key=value` lines of its [Service] section, several
/// values per key kept in order.
fn service_section(unit: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut in_service = false;
    for line in unit.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_service = line == "[Service]";
        } else if in_service && let Some((k, v)) = line.split_once('=') {
            out.entry(k.to_string()).or_default().push(v.to_string());
        }
    }
    out
}

/// `KEY=VALUE` lines of an environment file, comments skipped.
fn env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn build_package(out_dir: &Path) -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_bienphong"));
    // target/debug/bienphong → the target directory cargo-deb reads from.
    let target_dir = binary.parent().unwrap().parent().unwrap();
    let deb = out_dir.join("bienphong.deb");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let built = Command::new("cargo")
        .args([
            "deb",
            "--no-build",
            "--profile",
            "dev",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .arg("--output")
        .arg(&deb)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "cargo deb: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    deb
}

#[test]
fn the_debian_package_installs_a_unit_whose_exec_start_serves() {
    if !tools_present() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let deb = build_package(scratch.path());
    let root = scratch.path().join("root");
    let unpacked = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root)
        .status()
        .unwrap();
    assert!(unpacked.success());
    let control = Command::new("dpkg-deb")
        .arg("-f")
        .arg(&deb)
        .output()
        .unwrap();
    let control = String::from_utf8(control.stdout).unwrap();
    assert!(control.contains("Package: bienphong"), "{control}");
    assert!(
        control.contains("adduser"),
        "the postinst makes the account: {control}"
    );

    // What the package lays down.
    let binary = root.join("usr/bin/bienphong");
    let unit_path = root.join("lib/systemd/system/bienphong.service");
    let config = root.join("etc/bienphong/bienphong.env");
    for p in [&binary, &unit_path, &config] {
        assert!(p.is_file(), "{} is in the package", p.display());
    }
    // Stripped: no debug sections (readelf comes with the binutils that
    // cargo-deb strips with), and far smaller than the build it came from.
    let sections = Command::new("readelf")
        .args(["-S", "--wide"])
        .arg(&binary)
        .output()
        .unwrap();
    let sections = String::from_utf8_lossy(&sections.stdout).to_string();
    assert!(sections.contains(".text"), "{sections}");
    // (`.debug_gdb_scripts` is loaded data, kept by strip; debug
    // information is `.debug_info`, `.debug_line`…)
    for debug in [".debug_info", ".debug_line", ".debug_str"] {
        assert!(
            !sections.contains(debug),
            "the packaged binary is stripped: {sections}"
        );
    }
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    assert!(size(&binary) < size(Path::new(env!("CARGO_BIN_EXE_bienphong"))));
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let service = service_section(&unit);
    assert_eq!(service["User"], ["bienphong"]);
    assert_eq!(
        service["EnvironmentFile"],
        ["-/etc/bienphong/bienphong.env"]
    );
    assert!(
        service["Environment"].contains(&"BIENPHONG_DATA=/var/lib/bienphong".to_string()),
        "{service:?}"
    );

    if have("systemd-analyze", &["--version"]) {
        // Verified as installed, but with ExecStart pointing at the
        // unpacked binary: verify checks that the command exists.
        let checked = scratch.path().join("bienphong.service");
        let unit_here = unit.replace("/usr/bin/bienphong", &binary.display().to_string());
        std::fs::write(&checked, unit_here).unwrap();
        let verify = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&checked)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&verify.stderr).to_string();
        // An unknown key or a bad value is only a warning to verify: none
        // may be said at all.
        assert!(
            verify.status.success() && said.trim().is_empty(),
            "systemd-analyze verify: {said}"
        );
    } else {
        eprintln!("systemd-analyze missing: the unit was not verified");
    }

    // The unit's ExecStart, with its environment: the Environment= lines,
    // then the packaged configuration file (which overrides them), then
    // the scratch data directory and a free port for this test.
    let exec = service["ExecStart"][0].clone();
    let mut words = exec.split_whitespace();
    assert_eq!(words.next(), Some("/usr/bin/bienphong"));
    let args: Vec<&str> = words.collect();
    let data = scratch.path().join("var-lib-bienphong");
    std::fs::create_dir_all(&data).unwrap();
    let mut command = Command::new(&binary);
    command.args(&args).env_clear().env("PATH", "/usr/bin:/bin");
    for line in &service["Environment"] {
        let (k, v) = line.split_once('=').unwrap();
        command.env(k, v);
    }
    for (k, v) in env_file(&std::fs::read_to_string(&config).unwrap()) {
        command.env(k, v);
    }
    command
        .env("BIENPHONG_DATA", &data)
        .env("BIENPHONG_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    let health = format!("{url}/health");
    let deadline = Instant::now() + Duration::from_secs(20);
    let answered = loop {
        let status = reqwest_health(&health);
        if status == 200 || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answered, 200, "{health}");
    // The first start made the administrator and kept its password where
    // only the service's account can read it.
    let kept = data.join("first-admin-password");
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(text.starts_with("admin "), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

/// `GET` over a plain blocking client, the status.
fn reqwest_health(url: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        bienphong_sync::client::install_tls_provider();
        reqwest::get(url).await.map_or(0, |r| r.status().as_u16())
    })
}
