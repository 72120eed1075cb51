//! Rust naming: UpperCamel type and variant names, snake_case fields and methods, keyword
//! escapes, and deterministic de-duplication.

use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while",
    "yield", "abstract", "become", "do", "final", "macro", "override", "unused",
];

/// Splits an identifier-ish string into words: `computeType` → `compute`, `type`;
/// `AKSCompute` → `aks`, `compute`; `Standard_DS3_v2` → `standard`, `ds3`, `v2`.
fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        let c = chars[i];
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let boundary = (c.is_ascii_uppercase()
                && (prev.is_ascii_lowercase() || prev.is_ascii_digit()))
                || (c.is_ascii_uppercase()
                    && prev.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `UpperCamelCase`, never empty, never starting with a digit.
pub fn upper_camel(s: &str) -> String {
    let mut out: String = words(s)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() {
        out = "Empty".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        // The one UpperCamel keyword (an enum value "self" would otherwise be `Self`).
        out.push_str("Value");
    }
    out
}

/// `snake_case`, keyword-safe (`type` → `type_`), never starting with a digit.
pub fn snake(s: &str) -> String {
    let mut out = words(s).join("_");
    if out.is_empty() {
        out = "value".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Returns `base`, or `base2`, `base3`, … (with `sep` between) — the first not in `taken` —
/// and records it.
pub fn unique(base: String, sep: &str, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(base.clone()) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}{sep}{i}"))
        .find(|n| taken.insert(n.clone()))
        .expect("an unused suffix exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(upper_camel("AKSCompute"), "AksCompute");
        assert_eq!(upper_camel("Standard_DS3_v2"), "StandardDs3V2");
        assert_eq!(upper_camel("1.0"), "V10");
        assert_eq!(upper_camel(""), "Empty");
        assert_eq!(snake("computeType"), "compute_type");
        assert_eq!(snake("type"), "type_");
        assert_eq!(
            snake("Workspaces_CreateOrUpdate"),
            "workspaces_create_or_update"
        );
        assert_eq!(snake("vCPUs"), "v_cp_us");
        assert_eq!(snake("subscriptionId"), "subscription_id");
    }

    #[test]
    fn unique_suffixes() {
        let mut t = BTreeSet::new();
        assert_eq!(unique("a".into(), "_", &mut t), "a");
        assert_eq!(unique("a".into(), "_", &mut t), "a_2");
        assert_eq!(unique("a".into(), "_", &mut t), "a_3");
    }
}
