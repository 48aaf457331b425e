//! Building a [`Ruleset`] from the readers' raw outputs (nft JSON and text, iptables-save,
//! legacy tables), preferring iptables-save for iptables-nft tables.

use super::*;

// ---------------------------------------------------------------------------------------
// Building the ruleset
// ---------------------------------------------------------------------------------------

/// Raw outputs of the ruleset readers; any may be absent.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    /// `nft -j list ruleset`
    pub nft_json: Option<&'a str>,
    /// `nft -a list ruleset`, for rule texts as nft prints them.
    pub nft_text: Option<&'a str>,
    /// `iptables-save`
    pub iptables: Option<&'a str>,
    /// `ip6tables-save`
    pub ip6tables: Option<&'a str>,
    /// `iptables-legacy-save` / `ip6tables-legacy-save`, when legacy tables exist beside
    /// nf_tables ones (both are in the kernel's path).
    pub iptables_legacy: Option<&'a str>,
    pub ip6tables_legacy: Option<&'a str>,
}

impl Ruleset {
    /// Combine every source. iptables-nft tables also appear in the nft JSON (with xt
    /// compat expressions); those tables are taken from `iptables-save` instead.
    pub fn from_sources(src: &Sources) -> Ruleset {
        let mut rs = Ruleset::default();
        let mut ipt_tables = Vec::new();
        let mut nft_owned: BTreeSet<(String, String)> = BTreeSet::new();
        for (text, backend, fam) in [
            (src.iptables, Backend::Iptables, "ip"),
            (src.ip6tables, Backend::Ip6tables, "ip6"),
            (src.iptables_legacy, Backend::Iptables, "ip"),
            (src.ip6tables_legacy, Backend::Ip6tables, "ip6"),
        ] {
            let Some(text) = text else { continue };
            let nf = text.contains("(nf_tables)");
            let tool = if backend == Backend::Iptables {
                "iptables-save"
            } else {
                "ip6tables-save"
            };
            rs.sources
                .push(format!("{tool}{}", if nf { " (nf_tables)" } else { "" }));
            let (tables, warnings) = parse_iptables_save(text, backend);
            rs.warnings.extend(warnings);
            for t in tables {
                if nf {
                    nft_owned.insert((fam.to_string(), t.name.clone()));
                }
                ipt_tables.push(t);
            }
        }
        if let Some(json) = src.nft_json {
            rs.sources.push("nft".into());
            let texts = src.nft_text.map(parse_nft_text_handles).unwrap_or_default();
            match parse_nft_json(json, &texts) {
                Ok(tables) => rs.tables.extend(
                    tables
                        .into_iter()
                        .filter(|t| !nft_owned.contains(&(t.family.clone(), t.name.clone()))),
                ),
                Err(e) => rs.warnings.push(format!("nft JSON not understood: {e}")),
            }
        }
        rs.tables.extend(ipt_tables);
        rs
    }

    /// Parse only `nft -j list ruleset` (tests, or hosts without iptables).
    pub fn from_nft_json(json: &str) -> Result<Ruleset, String> {
        Ok(Ruleset {
            tables: parse_nft_json(json, &HashMap::new())?,
            sources: vec!["nft".into()],
            warnings: Vec::new(),
        })
    }

    /// Parse only `iptables-save` / `ip6tables-save` text.
    pub fn from_iptables_save(text: &str, v6: bool) -> Ruleset {
        let backend = if v6 {
            Backend::Ip6tables
        } else {
            Backend::Iptables
        };
        let (tables, warnings) = parse_iptables_save(text, backend);
        Ruleset {
            tables,
            sources: vec![if v6 {
                "ip6tables-save"
            } else {
                "iptables-save"
            }
            .into()],
            warnings,
        }
    }
}
