//! The committed completion scripts must match what the binary generates.
//! Refresh them with `VCCTL_UPDATE_COMPLETIONS=1 cargo test --test completions`.

use clap_complete::Shell;

const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "vcctl.bash"),
    (Shell::Zsh, "_vcctl"),
    (Shell::Fish, "vcctl.fish"),
    (Shell::PowerShell, "_vcctl.ps1"),
    (Shell::Elvish, "vcctl.elv"),
];

#[test]
fn committed_completion_scripts_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("VCCTL_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let want = vcctl::commands::completions::script(shell);
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completion scripts are stale: {stale:?}; run VCCTL_UPDATE_COMPLETIONS=1 cargo test --test completions"
    );
}

#[test]
fn bash_completion_knows_the_commands() {
    let s = vcctl::commands::completions::script(Shell::Bash);
    for cmd in [
        "info",
        "endpoints",
        "channels",
        "originate",
        "bridge",
        "events",
    ] {
        assert!(s.contains(cmd), "{cmd} missing from bash completion");
    }
}
