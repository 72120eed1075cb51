//! How messages name what changed: a [`Label`] per side (a definition's name, `Owner.property`,
//! `Op(parameter)`, `Op 200 response`, …), shown once when both sides agree and as
//! `` `New` (was `Old`) `` when the definitions involved are named differently.

use std::fmt;

use serde_json::Value;

/// The name of a compared position on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    /// Old side.
    pub old: String,
    /// New side.
    pub new: String,
}

impl Label {
    /// The same name on both sides.
    pub fn same(s: impl Into<String>) -> Label {
        let s = s.into();
        Label {
            old: s.clone(),
            new: s,
        }
    }

    /// A name per side.
    pub fn pair(old: impl Into<String>, new: impl Into<String>) -> Label {
        Label {
            old: old.into(),
            new: new.into(),
        }
    }

    /// Both names with `suffix` appended (`[]`, `{}`, `.name`).
    pub fn suffixed(&self, suffix: &str) -> Label {
        Label::pair(
            format!("{}{suffix}", self.old),
            format!("{}{suffix}", self.new),
        )
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.old == self.new {
            write!(f, "`{}`", self.new)
        } else {
            write!(f, "`{}` (was `{}`)", self.new, self.old)
        }
    }
}

/// A spec value for messages: `` `value` `` or `none`.
pub(crate) fn show(v: Option<&Value>) -> String {
    match v {
        None => "none".to_string(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => format!("`{v}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_show_both_names_only_when_they_differ() {
        assert_eq!(Label::same("A.x").to_string(), "`A.x`");
        assert_eq!(
            Label::pair("A", "B").suffixed(".x").to_string(),
            "`B.x` (was `A.x`)"
        );
        assert_eq!(show(None), "none");
        assert_eq!(show(Some(&Value::from("s"))), "`s`");
        assert_eq!(show(Some(&Value::from(3))), "`3`");
    }
}
