//! `bienphong serve` and `bienphong user` as people run them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use common::{bin, process};
use std::process::{Command, Stdio};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Starts `serve ARGS` and reads its terminal until the accounts are
/// printed; returns the child, the base URL and each account's password.
async fn start(
    data: &std::path::Path,
    args: &[&str],
    accounts: usize,
) -> (tokio::process::Child, String, Vec<(String, String)>) {
    start_with(data, args, accounts, &[]).await
}

/// [`start`] with more environment variables.
async fn start_with(
    data: &std::path::Path,
    args: &[&str],
    accounts: usize,
    env: &[(&str, &str)],
) -> (tokio::process::Child, String, Vec<(String, String)>) {
    let mut process = process(data);
    process.envs(env.iter().copied());
    let mut cmd = tokio::process::Command::from(process);
    cmd.arg("serve")
        .args(args)
        .arg("--listen")
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = String::new();
    let mut found = Vec::new();
    while found.len() < accounts || url.is_empty() {
        let line = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line())
            .await
            .expect("the server prints its address and accounts")
            .unwrap()
            .expect("the server is still running");
        if let Some(rest) = line.split("http://").nth(1) {
            url = format!("http://{}", rest.split('/').next().unwrap());
        }
        if let Some((name, password)) = line
            .trim()
            .strip_prefix("tài khoản ")
            .and_then(|l| l.split_once(" — mật khẩu: "))
        {
            found.push((name.to_string(), password.to_string()));
        }
    }
    (child, url, found)
}

fn client() -> reqwest::Client {
    bienphong_sync::client::install_tls_provider();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_starts_on_the_demo_with_generated_accounts_and_stops_gracefully() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, url, accounts) = start(data.path(), &["--demo"], 3).await;
    let names: Vec<&str> = accounts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["admin", "dn-lungcu", "xa-lungcu"]);
    let health = client().get(format!("{url}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let c = client();
    let r = c.get(format!("{url}/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, password) = &accounts[1];
    let r = c
        .post(format!("{url}/login"))
        .form(&[
            ("username", "dn-lungcu"),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = c
        .get(format!("{url}/?year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The post's own 2023 patrols, compared with 2022.
    assert!(page.contains("Đồn Biên phòng Lũng Cú"), "{page}");
    assert!(page.contains("Năm 2023"), "{page}");
    let admin = client();
    admin
        .post(format!("{url}/login"))
        .form(&[
            ("username", "admin"),
            ("password", &accounts[0].1),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    let page = admin
        .get(format!("{url}/?year=2023"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("1.178"),
        "the province's 2023 patrols: {page}"
    );
    // The demo's reorganisation of 1 July 2025 is one event of the
    // organisation's history.
    let changes = admin
        .get(format!("{url}/org/changes"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        changes.contains("01/07/2025")
            && changes.contains("hợp nhất tỉnh Hà Giang vào tỉnh Tuyên Quang"),
        "{changes}"
    );
    let pid = child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .arg("-TERM")
            .arg(&pid)
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
        .await
        .expect("stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");

    // Started again, the demo is kept and the passwords are new.
    let (_child, url, again) = start(data.path(), &["--demo"], 3).await;
    assert_ne!(again[1].1, accounts[1].1);
    let r = client()
        .post(format!("{url}/login"))
        .form(&[
            ("username", "dn-lungcu"),
            ("password", &accounts[1].1),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the old password no longer works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_run_creates_an_administrator_with_a_generated_password() {
    let data = tempfile::tempdir().unwrap();
    let (_child, url, accounts) = start(data.path(), &[], 1).await;
    assert_eq!(accounts[0].0, "admin");
    assert!(accounts[0].1.len() >= 16);
    let r = client()
        .post(format!("{url}/login"))
        .form(&[
            ("username", "admin"),
            ("password", &accounts[0].1),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

/// The pool is sized by `--cache-mb` and `BIENPHONG_POOL_SIZE`: a server
/// with a small pool answers its pages; a cache of nothing or a pool of
/// none is refused before a store is created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_on_a_pool_sized_by_its_flags_and_refuses_an_empty_one() {
    let data = tempfile::tempdir().unwrap();
    let (_child, url, accounts) = start_with(
        data.path(),
        &["--cache-mb", "2"],
        1,
        &[("BIENPHONG_POOL_SIZE", "1")],
    )
    .await;
    let c = signed_in(&url, "admin", &accounts[0].1).await;
    // One connection serves several requests at once, one after another.
    let mut pages = tokio::task::JoinSet::new();
    for _ in 0..4 {
        pages.spawn(c.get(format!("{url}/records/patrols")).send());
    }
    while let Some(page) = pages.join_next().await {
        assert_eq!(page.unwrap().unwrap().status(), 200);
    }

    for (args, env) in [
        (vec!["--cache-mb", "0"], None),
        (vec![], Some(("BIENPHONG_POOL_SIZE", "0"))),
    ] {
        let empty = tempfile::tempdir().unwrap();
        let mut cmd = bin(empty.path());
        cmd.arg("serve")
            .args(&args)
            .arg("--listen")
            .arg("127.0.0.1:0");
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--cache-mb") || err.contains("--pool-size"),
            "{err}"
        );
        assert!(
            !empty.path().join("bienphong.sqlite").exists(),
            "nothing is created"
        );
    }
}

#[test]
fn user_commands_add_change_and_disable_accounts() {
    let data = tempfile::tempdir().unwrap();
    bin(data.path()).arg("demo").assert().success();
    let out = bin(data.path())
        .args([
            "user",
            "add",
            "Nam.BP",
            "--role",
            "editor",
            "--unit",
            "BP-LUNGCU",
            "--name",
            "Nguyễn Văn Nam",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Đã tạo tài khoản nam.bp"), "{text}");
    assert!(
        text.contains("mật khẩu: "),
        "a generated password is shown once: {text}"
    );
    let out = bin(data.path())
        .args([
            "user",
            "add",
            "nam.bp",
            "--role",
            "reader",
            "--unit",
            "BP-LUNGCU",
        ])
        .assert()
        // A taken name is a conflict, as the store describes it for every edge.
        .code(4);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr)
            .contains("Tên đăng nhập nam.bp đã có người dùng")
    );
    bin(data.path())
        .args(["user", "add", "x", "--role", "boss", "--unit", "BP-LUNGCU"])
        .assert()
        .code(2);
    bin(data.path())
        .args([
            "user",
            "add",
            "y",
            "--role",
            "reader",
            "--unit",
            "BP-KHONGCO",
        ])
        .assert()
        .code(2);
    bin(data.path())
        .args([
            "user",
            "add",
            "z",
            "--role",
            "reader",
            "--unit",
            "BP-LUNGCU",
            "--password-stdin",
        ])
        .write_stdin("ngan\n")
        .assert()
        .code(2);
    bin(data.path())
        .args(["user", "passwd", "nam.bp", "--password-stdin"])
        .write_stdin("mot-mat-khau-du-dai\n")
        .assert()
        .success();
    bin(data.path())
        .args(["user", "disable", "nam.bp"])
        .assert()
        .success();
    let out = bin(data.path()).args(["user", "list"]).assert().success();
    let list = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        list.contains("nam.bp\teditor\tBP-LUNGCU\t-\tdisabled\tNguyễn Văn Nam"),
        "{list}"
    );
    bin(data.path())
        .args(["user", "passwd", "khong-co"])
        .assert()
        .code(3);
}

/// Refusals of `user` commands are worded whole in the chosen language,
/// with their exit codes unchanged, and write nothing.
#[test]
fn account_refusals_are_worded_in_the_chosen_language() {
    let data = tempfile::tempdir().unwrap();
    bin(data.path()).arg("demo").assert().success();
    let refused = |lang: &str, args: &[&str], stdin: &str, code: i32| {
        let out = bin(data.path())
            .args(["--lang", lang])
            .args(args)
            .write_stdin(stdin)
            .assert()
            .code(code);
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let add = |name: &'static str, unit: &'static str| {
        vec!["user", "add", name, "--role", "reader", "--unit", unit]
    };
    let mut weak = add("z", "BP-LUNGCU");
    weak.push("--password-stdin");
    let cases = [
        (
            add("bad name!", "BP-LUNGCU"),
            "",
            2,
            "Lỗi: tên đăng nhập \"bad name!\" không hợp lệ",
            "Error: invalid user name \"bad name!\"",
        ),
        (
            weak,
            "ngan\n",
            2,
            "Lỗi: mật khẩu cần ít nhất",
            "Error: a password needs at least",
        ),
        (
            add("y", "BP-KHONGCO"),
            "",
            2,
            "Lỗi: không có đơn vị mã \"BP-KHONGCO\"",
            "Error: unknown unit \"BP-KHONGCO\"",
        ),
        (
            vec!["user", "passwd", "khong-co"],
            "",
            3,
            "Lỗi: không có tài khoản khong-co",
            "Error: no account khong-co",
        ),
    ];
    for (args, stdin, code, vi, en) in cases {
        let said = refused("vi", &args, stdin, code);
        assert!(said.starts_with(vi), "{said}");
        for english in ["user", "password", "unknown", "unit "] {
            assert!(!said.contains(english), "{english:?} in {said}");
        }
        let said = refused("en", &args, stdin, code);
        assert!(said.starts_with(en), "{said}");
    }
    let out = bin(data.path()).args(["user", "list"]).assert().success();
    let list = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for name in ["bad name!", "\nz\t", "\ny\t"] {
        assert!(!list.contains(name), "{name:?} in {list}");
    }
}

fn output_of(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The three commands of the README: serve, node init with a node token
/// made by `token create --node`, sync; then a node refuses a unit it does
/// not know and says to sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_create_node_init_and_sync_against_a_served_store() {
    let server = tempfile::tempdir().unwrap();
    let node = tempfile::tempdir().unwrap();
    let (_child, url, _) = start(server.path(), &["--demo"], 3).await;

    // Only node tokens, for a known unit, and the secret is printed once.
    let out = bin(server.path())
        .args(["token", "create", "--node", "--unit", "BP-LUNGCU"])
        .output()
        .unwrap();
    let (text, err) = output_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(text.contains("“node BP-LUNGCU” cho BP-LUNGCU"), "{text}");
    let tokens: Vec<&str> = text.lines().filter(|l| l.starts_with("bpt_")).collect();
    assert_eq!(tokens.len(), 1, "{text}");
    let token = tokens[0].to_string();
    let out = bin(server.path())
        .args([
            "token", "create", "--node", "--unit", "KHONGCO", "--lang", "en",
        ])
        .output()
        .unwrap();
    let (text, err) = output_of(&out);
    assert!(!out.status.success());
    assert!(!text.contains("bpt_") && err.contains("KHONGCO"), "{err}");
    let out = bin(server.path())
        .args(["token", "create", "--unit", "BP-LUNGCU"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a user token from the command line");

    // The node: init, sync, then records against what it received.
    let out = bin(node.path())
        .args(["node", "init", "--server", &url, "--token", &token])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_of(&out).1);
    let started = std::time::Instant::now();
    let out = bin(node.path()).arg("sync").output().unwrap();
    let (text, err) = output_of(&out);
    assert!(out.status.success(), "{err}");
    eprintln!(
        "initial sync of BP-LUNGCU by the CLI: {} in {:?}",
        text.trim(),
        started.elapsed()
    );
    assert!(text.contains("bytes received"), "{text}");
    let add = |unit: &str, lang: &str| {
        bin(node.path())
            .args([
                "--lang",
                lang,
                "add",
                "patrol",
                "--kind",
                "joint",
                "--date",
                "05/03/2025",
                "--unit",
                unit,
                "--force",
                "BDBP=5",
            ])
            .output()
            .unwrap()
    };
    let out = add("BP-LUNGCU", "vi");
    assert!(out.status.success(), "{}", output_of(&out).1);
    let started = std::time::Instant::now();
    let out = bin(node.path()).arg("sync").output().unwrap();
    let (text, err) = output_of(&out);
    assert!(out.status.success(), "{err}");
    eprintln!(
        "one-record sync by the CLI: {} in {:?}",
        text.trim(),
        started.elapsed()
    );
    assert!(text.starts_with("sent 1 revisions"), "{text}");

    let out = add("KHONGCO", "vi");
    let (_, err) = output_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("chạy `bienphong sync` để nhận danh mục mới"),
        "{err}"
    );
    let (_, err) = output_of(&add("KHONGCO", "en"));
    assert!(err.contains("run `bienphong sync`"), "{err}");
    // The server is no node: the same mistake there gets no such hint.
    let out = bin(server.path())
        .args([
            "add",
            "patrol",
            "--kind",
            "joint",
            "--date",
            "05/03/2025",
            "--unit",
            "KHONGCO",
            "--force",
            "BDBP=5",
        ])
        .output()
        .unwrap();
    let (_, err) = output_of(&out);
    assert!(!out.status.success());
    assert!(!err.contains("bienphong sync"), "{err}");
}

/// Signs in to a served store as `user`; returns the session's client.
async fn signed_in(url: &str, user: &str, password: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(format!("{url}/login"))
        .form(&[("username", user), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in of {user}");
    c
}

async fn sync_status(c: &reqwest::Client, url: &str) -> serde_json::Value {
    let r = c
        .get(format!("{url}/api/v1/sync/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

/// Polls `check` every 300 ms until it holds, for at most `limit`.
async fn eventually(limit: std::time::Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    check().await
}

/// A refused `serve` ends at once; one that serves is cut off after this
/// (and then fails the test's exit-code check).
const REFUSED_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// `serve --sync-every` on a node: bad values and a directory that is no
/// node are refused before anything is written; then the background sync
/// brings a record added on the node to the province's server, and both
/// sides' status says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_sync_every_brings_a_node_record_to_the_server() {
    let server = tempfile::tempdir().unwrap();
    let node = tempfile::tempdir().unwrap();
    let (_server, url, accounts) = start(server.path(), &["--demo"], 3).await;
    let out = bin(server.path())
        .args(["token", "create", "--node", "--unit", "BP-LUNGCU"])
        .output()
        .unwrap();
    let (text, err) = output_of(&out);
    assert!(out.status.success(), "{err}");
    let token = text
        .lines()
        .find(|l| l.starts_with("bpt_"))
        .unwrap()
        .to_string();

    // Not a node yet: refused, saying what to run, with nothing written.
    let out = bin(node.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--sync-every", "1s"])
        .timeout(REFUSED_WITHIN)
        .output()
        .unwrap();
    let (_, err) = output_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--sync-every") && err.contains("bienphong node init"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(node.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // `--server` only goes with `--sync-every`.
    let out = bin(node.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--server", &url])
        .timeout(REFUSED_WITHIN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = bin(node.path())
        .args(["node", "init", "--server", &url, "--token", &token])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_of(&out).1);
    for (bad, lang, says) in [
        ("5", "vi", "không phải là khoảng thời gian"),
        ("0s", "vi", "không phải là khoảng thời gian"),
        ("mỗi 5 phút", "en", "is not a duration"),
        ("1d", "en", "is not a duration"),
    ] {
        let out = bin(node.path())
            .args(["--lang", lang, "serve", "--listen", "127.0.0.1:0"])
            .args(["--sync-every", bad])
            .timeout(REFUSED_WITHIN)
            .output()
            .unwrap();
        let (_, err) = output_of(&out);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(
            err.contains("--sync-every") && err.contains(bad) && err.contains(says),
            "{err}"
        );
    }

    let (mut served, node_url, node_accounts) =
        start(node.path(), &["--sync-every", "1s"], 1).await;
    // The first sync brings the organisation; until then the node does not
    // know the post.
    let mut added = String::new();
    let arrived = eventually(std::time::Duration::from_secs(60), async || {
        let out = bin(node.path())
            .args(["--lang", "en", "add", "patrol", "--kind", "joint"])
            .args([
                "--date",
                "06/03/2025",
                "--unit",
                "BP-LUNGCU",
                "--force",
                "BDBP=7",
            ])
            .output()
            .unwrap();
        if out.status.success() {
            added = output_of(&out).0;
        }
        out.status.success()
    })
    .await;
    assert!(arrived, "the node never received the organisation");
    // "Added patrol ID (revision REV)"
    let id = added.split_whitespace().nth(2).unwrap().to_string();
    let on_server = eventually(std::time::Duration::from_secs(60), async || {
        bin(server.path())
            .args(["show", "patrol", &id])
            .output()
            .unwrap()
            .status
            .success()
    })
    .await;
    assert!(on_server, "patrol {id} never reached the server: {added}");

    // The node's page knows its background sync; the server lists the node.
    let admin = signed_in(&node_url, "admin", &node_accounts[0].1).await;
    let waiting_done = eventually(std::time::Duration::from_secs(30), async || {
        let s = sync_status(&admin, &node_url).await;
        s["node"]["waiting_to_push"] == 0
            && s["node"]["background"]["last_attempt"]["error"].is_null()
    })
    .await;
    let s = sync_status(&admin, &node_url).await;
    assert!(waiting_done, "{s}");
    assert_eq!(s["node"]["background"]["every_s"], 1, "{s}");
    let node_id = s["node_id"].as_str().unwrap().to_string();
    let province = signed_in(&url, "admin", &accounts[0].1).await;
    let s = sync_status(&province, &url).await;
    let listed = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["node_id"] == node_id.as_str())
        .unwrap_or_else(|| panic!("{node_id} in {s}"));
    assert_eq!(listed["unit"], "BP-LUNGCU");
    assert!(
        listed["revisions_received"].as_i64().unwrap() >= 1,
        "{listed}"
    );

    // A graceful stop ends the background sync too: serve waits up to 10 s
    // for it before giving up, so a quick exit means it ended.
    let pid = served.id().unwrap().to_string();
    let stopping = std::time::Instant::now();
    assert!(
        Command::new("kill")
            .arg("-TERM")
            .arg(&pid)
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), served.wait())
        .await
        .expect("stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        stopping.elapsed() < std::time::Duration::from_secs(8),
        "stopped after {:?}",
        stopping.elapsed()
    );
}

/// Two Lũng Cú laptops edit the same patrol before syncing: on one of them
/// `bienphong conflicts` lists both versions, an edit is refused until
/// `bienphong resolve` merges them, and the merge reaches the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_conflict_listed_and_resolved_from_the_command_line() {
    let server = tempfile::tempdir().unwrap();
    let (_child, url, _) = start(server.path(), &["--demo"], 3).await;
    let laptops = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let run = |dir: &std::path::Path, args: &[&str]| {
        let out = bin(dir).args(args).output().unwrap();
        let (text, err) = output_of(&out);
        (out.status.code(), text, err)
    };
    for laptop in &laptops {
        let (_, text, err) = run(
            server.path(),
            &["token", "create", "--node", "--unit", "BP-LUNGCU"],
        );
        let token = text
            .lines()
            .find(|l| l.starts_with("bpt_"))
            .unwrap_or_else(|| panic!("{text}{err}"))
            .to_string();
        let (code, _, err) = run(
            laptop.path(),
            &["node", "init", "--server", &url, "--token", &token],
        );
        assert_eq!(code, Some(0), "{err}");
    }
    let sync = |dir: &std::path::Path| {
        let (code, _, err) = run(dir, &["sync"]);
        assert_eq!(code, Some(0), "{err}");
    };
    let (one, two) = (laptops[0].path(), laptops[1].path());
    sync(one);
    let (code, text, err) = run(
        one,
        &[
            "add",
            "patrol",
            "--kind",
            "joint",
            "--date",
            "05/03/2025",
            "--unit",
            "BP-LUNGCU",
            "--force",
            "BDBP=5",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let id = text
        .split_whitespace()
        .find(|w| w.len() == 36 && w.contains('-'))
        .unwrap_or_else(|| panic!("no id in {text}"))
        .to_string();
    sync(one);
    sync(two);
    let (code, _, err) = run(one, &["edit", "patrol", &id, "--force", "BDBP=7"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run(two, &["edit", "patrol", &id, "--date", "06/03/2025"]);
    assert_eq!(code, Some(0), "{err}");
    sync(one);
    sync(two);
    sync(one);

    let (code, text, _) = run(one, &["conflicts"]);
    assert_eq!(code, Some(0));
    assert!(text.contains(&id) && text.contains("date"), "{text}");
    let (_, json, _) = run(one, &["conflicts", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let versions = listed[0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    let version_with = |date: &str| {
        versions
            .iter()
            .find(|v| v["content"]["date"] == date)
            .and_then(|v| v["revision"].as_str())
            .unwrap()
            .to_string()
    };
    let (counted, dated) = (version_with("2025-03-05"), version_with("2025-03-06"));

    // Until it is resolved, an edit is refused with the reason.
    let (code, _, err) = run(one, &["edit", "patrol", &id, "--force", "BDBP=9"]);
    assert_eq!(code, Some(4));
    assert!(
        err.contains("xung đột") && err.contains("bienphong conflicts"),
        "{err}"
    );
    // A bad choice writes nothing.
    let (code, _, err) = run(
        one,
        &["resolve", &id, "--take", &counted, "--field", "date"],
    );
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(one, &["--lang", "en", "resolve", &id, "--take", &id]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not one of the versions"), "{err}");

    let (code, text, err) = run(
        one,
        &[
            "resolve",
            &id,
            "--take",
            &counted,
            "--field",
            &format!("date={dated}"),
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("Đã giải quyết xung đột"), "{text}");
    let (code, _, err) = run(one, &["resolve", &id, "--take", &counted]);
    assert_eq!(code, Some(4));
    assert!(err.contains("không có xung đột"), "{err}");
    let (_, text, _) = run(one, &["conflicts"]);
    assert!(
        text.contains("Không có bản ghi nào đang xung đột"),
        "{text}"
    );

    // The merge travels to the other laptop.
    sync(one);
    sync(two);
    let (_, text, _) = run(two, &["conflicts"]);
    assert!(
        text.contains("Không có bản ghi nào đang xung đột"),
        "{text}"
    );
    let (_, shown, err) = run(two, &["show", "patrol", &id]);
    let shown: serde_json::Value =
        serde_json::from_str(&shown).unwrap_or_else(|_| panic!("{shown}{err}"));
    assert_eq!(shown["content"]["date"], "2025-03-06");
    assert_eq!(shown["content"]["participants"][0]["persons"], 7);
    let (_, history, _) = run(two, &["history", "patrol", &id]);
    assert_eq!(
        history.lines().filter(|l| !l.starts_with(' ')).count(),
        4,
        "{history}"
    );
}

/// `node init --ca-cert` takes a province's own authority for HTTPS; a
/// file that is no PEM certificate is refused naming the option, and the
/// node is left uninitialised.
#[test]
fn sync_node_init_refuses_a_ca_cert_that_is_no_certificate() {
    let node = tempfile::tempdir().unwrap();
    let not_pem = node.path().join("tinh-ca.pem");
    std::fs::write(&not_pem, "khong phai chung thu").unwrap();
    for lang in ["vi", "en"] {
        let out = bin(node.path())
            .args([
                "--lang",
                lang,
                "node",
                "init",
                "--server",
                "https://bdbp.example.vn",
                "--token",
                "bpt_x",
                "--ca-cert",
            ])
            .arg(&not_pem)
            .output()
            .unwrap();
        let (_, err) = output_of(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--ca-cert") && err.contains("PEM"), "{err}");
    }
    assert!(!node.path().join("sync.json").exists());
}

/// One report, every format, three edges: the CLI on the store the server
/// serves, the report page's download and the API give the same bytes when
/// the server and the CLI are given the same "now" (`BIENPHONG_NOW`, the
/// clock injected): the document's date is that day, asked of no edge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_the_same_bytes_from_the_cli_the_page_and_the_api() {
    const NOW: &str = "2024-01-16T09:30:00+07:00";
    let data = tempfile::tempdir().unwrap();
    let (_child, url, accounts) =
        start_with(data.path(), &["--demo"], 3, &[("BIENPHONG_NOW", NOW)]).await;
    let admin = client();
    let r = admin
        .post(format!("{url}/login"))
        .form(&[
            ("username", "admin"),
            ("password", &accounts[0].1),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The document's number is given; its date is the injected today.
    let query = "year=2023&scope=BP-LUNGCU&number=5";
    for format in ["md", "json", "xlsx", "csv", "docx"] {
        let file = data.path().join(format!("report.{format}"));
        let out = bin(data.path())
            .env("BIENPHONG_NOW", NOW)
            .args(["report", "annual", "--year", "2023", "--scope", "BP-LUNGCU"])
            .args(["--number", "5", "--format", format])
            .arg("-o")
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        let cli = std::fs::read(&file).unwrap();
        let page = admin
            .get(format!(
                "{url}/reports/download?period=annual&format={format}&{query}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{format}");
        let page = page.bytes().await.unwrap();
        let api = admin
            .get(format!(
                "{url}/api/v1/reports/annual?format={format}&{query}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 200, "{format}");
        let api = api.bytes().await.unwrap();
        assert!(cli.len() > 100, "{format}: {} bytes", cli.len());
        assert!(cli == page, "{format}: the CLI and the page differ");
        assert!(cli == api, "{format}: the CLI and the API differ");
        if format == "xlsx" {
            // The workbook's own date is the injected now, not the machine's
            // clock (which made the three differ across a second).
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&cli)).unwrap();
            let mut core = String::new();
            std::io::Read::read_to_string(
                &mut archive.by_name("docProps/core.xml").unwrap(),
                &mut core,
            )
            .unwrap();
            assert!(core.contains("2024-01-16T02:30:00Z"), "{core}");
        }
        if format == "docx" {
            // Dated the injected day: the same bytes as with that date given.
            let dated = data.path().join("dated.docx");
            let out = bin(data.path())
                .args(["report", "annual", "--year", "2023", "--scope", "BP-LUNGCU"])
                .args(["--number", "5", "--date", "16/01/2024", "--format", format])
                .arg("-o")
                .arg(&dated)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            assert!(
                std::fs::read(&dated).unwrap() == cli,
                "the document is dated the injected day"
            );
        }
    }
}

/// Issue 15 items 3 and 8 from the command line: a node refuses a write its
/// server would refuse, `sync --check` says equal after a sync and names a
/// local-only change, `sync --status` counts what waits, `sync refused`
/// says there is nothing set aside.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_refuses_an_out_of_scope_write_and_sync_check_names_what_differs() {
    let server = tempfile::tempdir().unwrap();
    let node = tempfile::tempdir().unwrap();
    let (_child, url, _) = start(server.path(), &["--demo"], 3).await;
    let out = bin(server.path())
        .args(["token", "create", "--node", "--unit", "BP-LUNGCU"])
        .output()
        .unwrap();
    let (text, _) = output_of(&out);
    let token = text
        .lines()
        .find(|l| l.starts_with("bpt_"))
        .unwrap()
        .to_string();
    let run = |args: &[&str]| {
        let out = bin(node.path()).args(args).output().unwrap();
        let (text, err) = output_of(&out);
        (out.status.code(), text, err)
    };
    let (code, _, err) = run(&["node", "init", "--server", &url, "--token", &token]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run(&["sync"]);
    assert_eq!(code, Some(0), "{err}");
    let add = |unit: &str| {
        run(&[
            "--lang",
            "en",
            "add",
            "patrol",
            "--kind",
            "joint",
            "--date",
            "05/03/2025",
            "--unit",
            unit,
            "--force",
            "BDBP=5",
        ])
    };
    // Another post's patrol: refused on the node, nothing written.
    let (code, _, err) = add("BP-XINMAN");
    assert_ne!(code, Some(0));
    assert!(
        err.contains("may not write this patrol") && err.contains("BP-LUNGCU"),
        "{err}"
    );
    let (code, text, err) = run(&["--lang", "en", "sync", "--check"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.starts_with("The node and the server agree"), "{text}");
    // A local-only change: --check names it, --status counts it.
    let (code, _, err) = add("BP-LUNGCU");
    assert_eq!(code, Some(0), "{err}");
    let (_, text, _) = run(&["--lang", "en", "sync", "--check"]);
    assert!(
        text.starts_with("The node and the server differ:"),
        "{text}"
    );
    assert!(text.contains("  patrol: "), "{text}");
    assert!(text.contains("only on the node (1): "), "{text}");
    let (_, text, _) = run(&["--lang", "en", "sync", "--status"]);
    assert!(text.contains("Waiting to be sent: 1"), "{text}");
    assert!(
        text.contains("Refused by the server, set aside: 0"),
        "{text}"
    );
    let (_, text, _) = run(&["sync", "--status"]);
    assert!(text.contains("Chờ gửi: 1"), "{text}");
    let (code, text, err) = run(&["sync"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.starts_with("sent 1 revisions"), "{text}");
    let (_, text, _) = run(&["--lang", "en", "sync", "--check"]);
    assert!(text.starts_with("The node and the server agree"), "{text}");
    let (_, text, _) = run(&["--lang", "en", "sync", "refused"]);
    assert!(text.starts_with("No revision of this node"), "{text}");
    let (code, _, err) = run(&["--lang", "en", "sync", "withdraw", "nonsense"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("not among the revisions set aside"), "{err}");
}

/// `(rows, highest seq)` of the audit log, the register's numbers and the
/// node id of the SQLite store in `dir`.
async fn store_facts(dir: &std::path::Path) -> (i64, i64, Vec<(String, i64)>, String) {
    sqlx::any::install_default_drivers();
    let url = format!(
        "sqlite://{}?mode=ro",
        dir.join("bienphong.sqlite").display()
    );
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let (rows, last): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), CAST(MAX(seq) AS BIGINT) FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap();
    let register: Vec<(String, i64)> = sqlx::query_as(
        "SELECT style || ' ' || period, CAST(last_number AS BIGINT) FROM document_registers ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let node: String = sqlx::query_scalar("SELECT node_id FROM node")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    (rows, last, register, node)
}

/// A province moves its server SQLite → PostgreSQL → SQLite with `store
/// copy --keep-identity`: accounts, tokens, audit log, a register at 02
/// and a synced node's cursors all move; the copy is served, the node
/// syncs with it without a full sync, the administrator signs in with the
/// same password, the audit log and the register go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_store_moves_to_postgresql_and_back_and_its_node_goes_on_syncing() {
    let Some(pg) = common::PgDb::create() else {
        return;
    };
    let server = tempfile::tempdir().unwrap();
    let node = tempfile::tempdir().unwrap();
    let (mut first, url, accounts) = start(server.path(), &["--demo"], 3).await;
    let register = |dir: &std::path::Path, date: &str| {
        let out = bin(dir)
            .args(["report", "annual", "--year", "2023", "--format", "docx"])
            .args(["--register", "--date", date, "-o"])
            .arg(dir.join(format!("bc-{}.docx", date.replace('/', "-"))))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", output_of(&out).1);
    };
    register(server.path(), "10/01/2024");
    register(server.path(), "11/01/2024");
    let made = bin(server.path())
        .args(["token", "create", "--node", "--unit", "BP-LUNGCU"])
        .output()
        .unwrap();
    let token = output_of(&made)
        .0
        .lines()
        .find(|l| l.starts_with("bpt_"))
        .unwrap()
        .to_string();
    let init = bin(node.path())
        .args(["node", "init", "--server", &url, "--token", &token])
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", output_of(&init).1);
    let add = || {
        let out = bin(node.path())
            .args(["add", "patrol", "--kind", "joint", "--date", "05/03/2025"])
            .args(["--unit", "BP-LUNGCU", "--force", "BDBP=5"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", output_of(&out).1);
    };
    for _ in 0..2 {
        let synced = bin(node.path()).arg("sync").output().unwrap();
        assert!(synced.status.success(), "{}", output_of(&synced).1);
        add();
    }
    let synced = bin(node.path()).arg("sync").output().unwrap();
    assert!(synced.status.success(), "{}", output_of(&synced).1);
    first.kill().await.unwrap();
    let _ = first.wait().await;
    let (audit_rows, audit_last, registered, node_id) = store_facts(server.path()).await;
    assert!(
        registered.contains(&("state 2024".to_string(), 2)),
        "{registered:?}"
    );

    let there = bin(server.path())
        .args([
            "--lang",
            "en",
            "store",
            "copy",
            "--keep-identity",
            "--to",
            &pg.url,
        ])
        .output()
        .unwrap();
    let (text, err) = output_of(&there);
    assert!(there.status.success(), "{err}");
    assert!(
        text.contains("users: 3 rows") && text.contains("keeps the original's node id"),
        "{text}"
    );
    let second = tempfile::tempdir().unwrap();
    let back_url = format!(
        "sqlite://{}",
        second.path().join("bienphong.sqlite").display()
    );
    let back = bin(server.path())
        .args([
            "--database",
            &pg.url,
            "store",
            "copy",
            "--keep-identity",
            "--to",
            &back_url,
        ])
        .output()
        .unwrap();
    assert!(back.status.success(), "{}", output_of(&back).1);
    let (rows, last, copied_register, copied_node) = store_facts(second.path()).await;
    assert_eq!(
        (rows, last, &copied_register, &copied_node),
        (audit_rows, audit_last, &registered, &node_id)
    );

    // The copy, served, takes the node's next sync as the original would.
    let (_second_server, url2, _) = start(second.path(), &[], 0).await;
    add();
    let synced = bin(node.path())
        .args(["--lang", "en", "sync", "--server", &url2])
        .output()
        .unwrap();
    let (text, err) = output_of(&synced);
    assert!(synced.status.success(), "{err}");
    assert!(text.starts_with("sent 1 revisions"), "{text}");
    let (admin, password) = accounts.iter().find(|(n, _)| n == "admin").unwrap();
    let c = signed_in(&url2, admin, password).await;
    let me = c.get(format!("{url2}/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 200, "the same password signs in to the copy");
    register(second.path(), "12/01/2024");
    let (rows, last, numbers, _) = store_facts(second.path()).await;
    assert!(
        rows > audit_rows && last > audit_last,
        "the audit log goes on"
    );
    assert!(
        numbers.contains(&("state 2024".to_string(), 3)),
        "{numbers:?}"
    );
}
