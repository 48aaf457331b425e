//! `vcctl agents list | show | add | remove | route`: agent profiles in the database.

use std::collections::BTreeMap;
use std::path::Path;

use super::Ctx;
use crate::cli::{AgentAddArgs, AgentsAction, AgentsArgs};
use crate::config::Layers;
use crate::error::{Error, Result};
use crate::io::store::{resolve_db_path, Store};
use crate::ui::agent_views::{KeyStatus, ProfileList, ProfileView, RouteView};
use crate::ui::ari_views::Done;
use crate::ui::output::emit;
use vcctl_core::agent::routing::{
    default_profile, AgentProfile, RoutingTable, DEFAULT_AGENT_ID_ENV, DEFAULT_PROFILE_NAME,
};

pub async fn run(ctx: &Ctx, args: AgentsArgs) -> Result<()> {
    let path = resolve_db_path(args.db.db.as_deref(), &ctx.layers);
    let action = args.action.unwrap_or(AgentsAction::List);
    let writes = matches!(action, AgentsAction::Add(_) | AgentsAction::Remove { .. });
    let store = open(&path, writes)?;
    let fallback = default_profile(ctx.layers.get(DEFAULT_AGENT_ID_ENV).as_deref());
    let json = ctx.json();
    match action {
        AgentsAction::List => emit(
            &ProfileList {
                database: path.display().to_string(),
                profiles: store.list_profiles()?,
                fallback,
            },
            json,
        ),
        AgentsAction::Show { name } => {
            let (profile, source) = match (name.as_str(), fallback) {
                (DEFAULT_PROFILE_NAME, Some(f)) => (f, "environment"),
                (DEFAULT_PROFILE_NAME, None) => {
                    return Err(Error::NotFound(format!(
                        "no profile 'default': it is built from {DEFAULT_AGENT_ID_ENV}, which is not set"
                    )))
                }
                _ => (store.get_profile(&name)?, "database"),
            };
            let api_key = key_status(profile.api_key_var(), &ctx.layers);
            emit(
                &ProfileView {
                    profile,
                    source,
                    api_key,
                },
                json,
            )
        }
        AgentsAction::Add(a) => {
            let (profile, position, replace) = profile_from_args(a)?;
            let stored = store.add_profile(&profile, position, replace)?;
            let key = key_status(stored.api_key_var(), &ctx.layers);
            let mut detail = format!("position {} in {}", stored.position, store.path());
            if !key.set {
                detail.push_str(&format!(
                    "; note: {} is not set here, so serve needs it in its environment or .env",
                    key.var
                ));
            }
            emit(
                &Done {
                    ok: true,
                    action: if replace {
                        "stored agent profile".into()
                    } else {
                        "added agent profile".into()
                    },
                    target: stored.name,
                    detail: Some(detail),
                },
                json,
            )
        }
        AgentsAction::Remove { name } => {
            let old = store.remove_profile(&name)?;
            emit(
                &Done {
                    ok: true,
                    action: "removed agent profile".into(),
                    target: old.name,
                    detail: Some(format!("was at position {}", old.position)),
                },
                json,
            )
        }
        AgentsAction::Route { extension, caller } => {
            let table = RoutingTable {
                profiles: store.list_profiles()?,
                fallback,
            };
            let Some(routed) = table.route(&extension, &caller) else {
                return Err(Error::NotFound(format!(
                    "no agent profile matches a call to '{extension}' from '{caller}', and {DEFAULT_AGENT_ID_ENV} is not set; serve could not answer it"
                )));
            };
            let api_key = key_status(routed.profile.api_key_var(), &ctx.layers);
            emit(
                &RouteView {
                    extension,
                    caller,
                    fallback: routed.fallback,
                    profile: routed.profile.clone(),
                    api_key,
                },
                json,
            )
        }
    }
}

/// Writes open (creating) the file; reads of a database that does not exist yet see an empty
/// one instead of creating files as a side effect.
fn open(path: &Path, writes: bool) -> Result<Store> {
    if writes || path.exists() {
        Ok(Store::open(path)?)
    } else {
        Ok(Store::open_in_memory()?)
    }
}

fn profile_from_args(a: AgentAddArgs) -> Result<(AgentProfile, Option<i64>, bool)> {
    let mut vars = BTreeMap::new();
    for (k, v) in a.vars {
        if vars.insert(k.clone(), v).is_some() {
            return Err(Error::Usage(format!(
                "the dynamic variable '{k}' is given twice"
            )));
        }
    }
    let profile = AgentProfile {
        name: a.name,
        position: 0,
        agent_id: a.agent_id,
        api_key_env: a.api_key_env,
        voice_id: a.voice_id,
        first_message: a.first_message,
        language: a.language,
        dynamic_variables: vars,
        extension_pattern: a.extension_pattern.filter(|p| !p.is_empty()),
        caller_pattern: a.caller_pattern.filter(|p| !p.is_empty()),
    };
    Ok((profile, a.position, a.replace))
}

/// Whether `var` is set in the environment or `.env` (the value is never kept).
pub fn key_status(var: &str, layers: &Layers) -> KeyStatus {
    let set_in =
        |m: &std::collections::HashMap<String, String>| m.get(var).is_some_and(|v| !v.is_empty());
    let source = if set_in(&layers.env) {
        Some("environment")
    } else if set_in(&layers.dotenv) {
        Some(".env")
    } else {
        None
    };
    KeyStatus {
        var: var.to_string(),
        set: source.is_some(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn add_args(argv: &[&str]) -> AgentAddArgs {
        let mut full = vec!["vcctl", "agents", "add"];
        full.extend_from_slice(argv);
        let cli = Cli::try_parse_from(full).unwrap();
        let Command::Agents(AgentsArgs {
            action: Some(AgentsAction::Add(a)),
            ..
        }) = cli.command
        else {
            panic!("not agents add")
        };
        a
    }

    #[test]
    fn add_flags_become_a_profile() {
        let a = add_args(&[
            "sales",
            "--agent-id",
            "agent_1",
            "--api-key-env",
            "SALES_KEY",
            "--extension",
            "2*",
            "--var",
            "team=sales",
            "--var",
            "x=a=b",
            "--position",
            "2",
            "--db",
            "/tmp/x.db",
        ]);
        let (p, pos, replace) = profile_from_args(a).unwrap();
        assert_eq!(p.api_key_env.as_deref(), Some("SALES_KEY"));
        assert_eq!(p.extension_pattern.as_deref(), Some("2*"));
        assert_eq!(p.dynamic_variables["x"], "a=b");
        assert_eq!((pos, replace), (Some(2), false));
        let dup = add_args(&["s", "--agent-id", "a", "--var", "k=1", "--var", "k=2"]);
        assert!(matches!(profile_from_args(dup), Err(Error::Usage(_))));
        // There is no way to pass a key itself.
        assert!(Cli::try_parse_from([
            "vcctl",
            "agents",
            "add",
            "s",
            "--agent-id",
            "a",
            "--api-key",
            "sk_x"
        ])
        .is_err());
        assert!(Cli::try_parse_from([
            "vcctl",
            "agents",
            "add",
            "s",
            "--agent-id",
            "a",
            "--position",
            "0"
        ])
        .is_err());
    }

    #[test]
    fn db_flag_is_accepted_before_and_after_the_action() {
        for argv in [
            &["vcctl", "agents", "--db", "a.db", "list"][..],
            &["vcctl", "agents", "list", "--db", "a.db"][..],
        ] {
            let cli = Cli::try_parse_from(argv).unwrap();
            let Command::Agents(a) = cli.command else {
                panic!()
            };
            assert_eq!(a.db.db.as_deref(), Some(Path::new("a.db")));
        }
    }

    #[test]
    fn key_status_reports_where_a_variable_is_set_without_its_value() {
        let mut l = Layers::default();
        assert!(!key_status("K", &l).set);
        l.dotenv.insert("K".into(), "secret-value".into());
        let s = key_status("K", &l);
        assert_eq!(s.source, Some(".env"));
        assert!(!serde_json::to_string(&s).unwrap().contains("secret-value"));
        l.env.insert("K".into(), "v".into());
        assert_eq!(key_status("K", &l).source, Some("environment"));
    }

    #[tokio::test]
    async fn the_commands_work_end_to_end_on_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("agents.db");
        let ctx = Ctx {
            global: Cli::try_parse_from(["vcctl", "info"]).unwrap().global,
            layers: Layers::default(),
        };
        let run_argv = |argv: Vec<String>| {
            let cli = Cli::try_parse_from(argv).unwrap();
            let Command::Agents(a) = cli.command else {
                panic!()
            };
            a
        };
        let argv = |extra: &[&str]| {
            let mut v: Vec<String> = vec!["vcctl".into(), "agents".into()];
            v.extend(extra.iter().map(|s| s.to_string()));
            v.extend(["--db".to_string(), db.display().to_string()]);
            v
        };
        // Reading a missing database does not create it.
        run(&ctx, run_argv(argv(&["list"]))).await.unwrap();
        assert!(!db.exists());
        run(
            &ctx,
            run_argv(argv(&[
                "add",
                "sales",
                "--agent-id",
                "agent_1",
                "--extension",
                "2*",
            ])),
        )
        .await
        .unwrap();
        assert!(db.exists());
        let e = run(
            &ctx,
            run_argv(argv(&["add", "sales", "--agent-id", "agent_1"])),
        )
        .await
        .unwrap_err();
        assert_eq!(e.exit_code(), 9);
        run(&ctx, run_argv(argv(&["route", "--extension", "2001"])))
            .await
            .unwrap();
        let e = run(&ctx, run_argv(argv(&["route", "--extension", "1001"])))
            .await
            .unwrap_err();
        assert_eq!(e.exit_code(), 5);
        let e = run(&ctx, run_argv(argv(&["show", "nobody"])))
            .await
            .unwrap_err();
        assert_eq!(e.exit_code(), 5);
        let e = run(
            &ctx,
            run_argv(argv(&[
                "add",
                "k",
                "--agent-id",
                "a",
                "--api-key-env",
                "sk_0123456789abcdef0123456789abcdef",
            ])),
        )
        .await
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(!e.to_string().contains("sk_0123"));
        run(&ctx, run_argv(argv(&["remove", "sales"])))
            .await
            .unwrap();
        let e = run(&ctx, run_argv(argv(&["remove", "sales"])))
            .await
            .unwrap_err();
        assert_eq!(e.exit_code(), 5);
        assert_eq!(e.to_string(), "no agent profile named 'sales'");
    }
}
