//! The core stays sans-IO because the compiler and these tests say so (issue 16,
//! docs/architecture.md "The core crate"): its dependency tree holds no async runtime, HTTP,
//! database or clock crate, and its code outside unit tests never reads the system clock,
//! sleeps, spawns threads or opens sockets or files. `cargo test` runs this file (CI's
//! `scripts/test.sh` does), so a dependency or a clock read that slips in fails the build's
//! tests with the crate or the file:line to remove.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that would bring I/O, a runtime or the clock into the core.
const FORBIDDEN_CRATES: &[&str] = &[
    // async runtimes and their reactors
    "tokio",
    "mio",
    "async-std",
    "smol",
    "futures-executor",
    // HTTP and WebSocket stacks
    "reqwest",
    "hyper",
    "axum",
    "tungstenite",
    "tokio-tungstenite",
    "ureq",
    // databases
    "rusqlite",
    "libsqlite3-sys",
    "postgres",
    "tokio-postgres",
    "sqlx",
    // clocks and time zones
    "chrono",
    "time",
    // raw system interfaces
    "libc",
    "nix",
];

/// What the core's non-test code must not call: each is a clock read, a wait, a thread or
/// an open socket or file, which belong in `src/io`.
const FORBIDDEN_CALLS: &[&str] = &[
    "Instant::now",
    "SystemTime::now",
    "UNIX_EPOCH.elapsed",
    "thread::sleep",
    "thread::spawn",
    "UdpSocket",
    "TcpStream",
    "TcpListener",
    "std::fs::",
    "File::open",
    "File::create",
    "rand::",
];

fn core_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names of every crate the core reaches through normal (not dev or build)
/// dependencies on this platform: `cargo tree -p vcctl-core -e normal`, one name a line.
fn normal_dependency_closure() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(["tree", "--offline", "-p", "vcctl-core", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}", "--manifest-path"])
        .arg(core_dir().join("Cargo.toml"))
        .output()
        .unwrap_or_else(|e| panic!("running `{cargo} tree` failed: {e}"));
    assert!(
        out.status.success(),
        "`cargo tree --offline` failed (are the dependencies fetched? try `cargo fetch`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "name v1.2.3 (path) (*)": the name is the first word.
    String::from_utf8(out.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn core_depends_on_no_runtime_http_database_or_clock_crate() {
    let deps = normal_dependency_closure();
    // The walk found the tree, not an empty list: the core's own direct dependencies are in it.
    for direct in ["serde", "serde_json", "thiserror", "md-5"] {
        assert!(
            deps.contains(direct),
            "{direct} missing from {deps:?}: the walk is wrong"
        );
    }
    let bad: Vec<&str> = FORBIDDEN_CRATES
        .iter()
        .copied()
        .filter(|c| deps.contains(*c))
        .collect();
    assert!(
        bad.is_empty(),
        "vcctl-core reaches {bad:?} (see `cargo tree -p vcctl-core -e normal -i {}`): the core \
         is sans-IO; move the code that needs it to src/io",
        bad[0]
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of a core source file that are not unit tests: a file named `tests.rs` is all
/// tests; elsewhere the tests start at the `#[cfg(test)]` of `mod tests` (the core keeps
/// its test module last), and a `#[cfg(test)]` item before it is left out too.
fn non_test_lines(path: &Path) -> Vec<(usize, String)> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line == "#[cfg(test)]" {
            if lines
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("mod tests"))
            {
                break;
            }
            i += 2; // a one-line test-only item
            continue;
        }
        if !line.starts_with("//") {
            out.push((i + 1, lines[i].to_string()));
        }
        i += 1;
    }
    out
}

#[test]
fn core_code_reads_no_clock_and_opens_no_socket() {
    let mut files = Vec::new();
    rust_files(&core_dir().join("src"), &mut files);
    assert!(files.len() > 40, "found only {} files", files.len());
    let mut found = Vec::new();
    let mut lines_read = 0;
    for f in &files {
        for (n, line) in non_test_lines(f) {
            lines_read += 1;
            for call in FORBIDDEN_CALLS {
                if line.contains(call) {
                    found.push(format!(
                        "{}:{n}: {call}",
                        f.strip_prefix(core_dir()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(lines_read > 10_000, "read only {lines_read} lines");
    assert!(
        found.is_empty(),
        "the core's non-test code must take time and I/O as parameters (src/io does the \
         reading):\n{}",
        found.join("\n")
    );
}

/// The check above sees a clock read where one is: a test file's own lines before its
/// `#[cfg(test)]` count, the test module after it does not.
#[test]
fn non_test_lines_stop_at_the_test_module() {
    let dir = std::env::temp_dir().join(format!("vcctl-layering-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("x.rs");
    std::fs::write(
        &f,
        "fn a() { let _ = std::time::Instant::now(); }\n// Instant::now in a comment\n\
         #[cfg(test)]\nuse std::time::Instant;\n\
         #[cfg(test)]\nmod tests { fn b() { std::time::Instant::now(); } }\n",
    )
    .unwrap();
    let lines = non_test_lines(&f);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, 1);
    assert!(lines[0].1.contains("Instant::now"));
}
