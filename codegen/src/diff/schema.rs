//! What a schema says by itself, compared per pair of schemas ([`super::pairs`]): type,
//! format, `enum` and `x-ms-enum`, constraints, `discriminator` and the discriminator value of
//! a union member, `additionalProperties`, properties (with `allOf` flattened, keyed by wire
//! name: added, removed, required or not), and the members of a union (by discriminator
//! value). What the properties, `items` and members hold is compared in their own pairs; what
//! a position says about its value (read-only, default, …) in [`super::annotations`].

use serde_json::Value;

use super::differ::Differ;
use super::index::Index;
use super::label::{show, Label};
use super::located::{flatten, resolve, At, Extra, Flat};
use super::pairs::{members, read_only};
use super::rules;
use super::{Dir, Location};
use crate::swagger::Schema;

/// The schema type: `type`, or `object` when it has object keywords.
fn type_of(s: &Schema) -> Option<&str> {
    if let Some(t) = s.ty.as_deref() {
        return Some(t);
    }
    (s.properties.is_some() || s.all_of.is_some() || s.additional_properties.is_some())
        .then_some("object")
}

/// A schema that allows any value (`{}`, give or take a description).
fn is_any(s: &Schema) -> bool {
    s.reference.is_none()
        && s.ty.is_none()
        && s.properties.is_none()
        && s.items.is_none()
        && s.all_of.is_none()
        && s.additional_properties.is_none()
        && s.enum_values.is_none()
}

/// `x-ms-enum.modelAsString == false`: unknown values are rejected by generated clients.
fn closed_enum(s: &Schema) -> bool {
    s.x_ms_enum.as_ref().and_then(|e| e.model_as_string) == Some(false)
}

/// How a constraint keyword tightens: `Max` (smaller is stronger), `Min` (larger is stronger),
/// `Flag` (true is stronger), `Other` (any change is just a change).
#[derive(Clone, Copy)]
enum Tighten {
    Max,
    Min,
    Flag,
    Other,
}

const CONSTRAINTS: &[(&str, Tighten)] = &[
    ("maximum", Tighten::Max),
    ("maxLength", Tighten::Max),
    ("maxItems", Tighten::Max),
    ("maxProperties", Tighten::Max),
    ("minimum", Tighten::Min),
    ("minLength", Tighten::Min),
    ("minItems", Tighten::Min),
    ("minProperties", Tighten::Min),
    ("exclusiveMaximum", Tighten::Flag),
    ("exclusiveMinimum", Tighten::Flag),
    ("uniqueItems", Tighten::Flag),
    ("pattern", Tighten::Other),
    ("multipleOf", Tighten::Other),
];

/// A constraint keyword's value, as JSON.
fn constraint(s: &Schema, kw: &str) -> Option<Value> {
    let num = |n: &Option<serde_json::Number>| n.clone().map(Value::Number);
    match kw {
        "maximum" => num(&s.maximum),
        "minimum" => num(&s.minimum),
        "multipleOf" => num(&s.multiple_of),
        "maxLength" => s.max_length.map(Value::from),
        "minLength" => s.min_length.map(Value::from),
        "maxItems" => s.max_items.map(Value::from),
        "minItems" => s.min_items.map(Value::from),
        "maxProperties" => s.max_properties.map(Value::from),
        "minProperties" => s.min_properties.map(Value::from),
        "exclusiveMaximum" => s.exclusive_maximum.map(Value::Bool),
        "exclusiveMinimum" => s.exclusive_minimum.map(Value::Bool),
        "uniqueItems" => s.unique_items.map(Value::Bool),
        "pattern" => s.pattern.clone().map(Value::String),
        _ => None,
    }
}

/// Stronger (`Some(true)`), weaker (`Some(false)`) or just different (`None`).
fn tightening(kind: Tighten, a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    match (kind, a, b) {
        (Tighten::Flag, a, b) => {
            let f = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
            Some(f(b) && !f(a))
        }
        (_, None, Some(_)) => Some(true),
        (_, Some(_), None) => Some(false),
        (Tighten::Other, _, _) => None,
        (k, Some(a), Some(b)) => {
            let (a, b) = (a.as_f64()?, b.as_f64()?);
            Some(match k {
                Tighten::Max => b < a,
                _ => b > a,
            })
        }
        (_, None, None) => None,
    }
}

impl<'a> Differ<'a> {
    /// Compares two schemas (no `$ref` at their top) used in `dir`.
    pub fn body(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, dir: Dir, label: &Label) {
        let (ot, nt) = (type_of(o.v), type_of(n.v));
        if ot != nt {
            let show = |t: Option<&str>| t.map_or("any".into(), |t| format!("`{t}`"));
            self.emit(
                &rules::TYPE_CHANGED,
                true,
                Some(o.key_loc("type")),
                Some(n.key_loc("type")),
                format!("Type of {label} changed from {} to {}.", show(ot), show(nt)),
            );
            return;
        }
        if o.v.format != n.v.format {
            let f = |s: &Schema| s.format.clone().map(Value::String);
            self.emit(
                &rules::TYPE_FORMAT_CHANGED,
                true,
                Some(o.key_loc("format")),
                Some(n.key_loc("format")),
                format!(
                    "Format of {label} changed from {} to {}.",
                    show(f(o.v).as_ref()),
                    show(f(n.v).as_ref())
                ),
            );
        }
        self.enums(o, n, dir, label);
        self.x_ms_enum(o, n, label);
        self.constraints(o, n, dir, label);
        if o.v.discriminator != n.v.discriminator {
            let d = |s: &Schema| s.discriminator.clone().map(Value::String);
            self.emit(
                &rules::DIFFERENT_DISCRIMINATOR,
                true,
                Some(o.key_loc("discriminator")),
                Some(n.key_loc("discriminator")),
                format!(
                    "Discriminator of {label} changed from {} to {}.",
                    show(d(o.v).as_ref()),
                    show(d(n.v).as_ref())
                ),
            );
        }
        self.discriminator_value(o, n, label);
        self.object(o, n, dir, label);
        self.members(o, n, dir, label);
    }

    fn enums(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, dir: Dir, label: &Label) {
        match (&o.v.enum_values, &n.v.enum_values) {
            (None, Some(_)) => self.emit(
                &rules::CONSTRAINT_IS_STRONGER,
                dir.has(Dir::REQUEST),
                Some(o.loc()),
                Some(n.key_loc("enum")),
                format!("{label} is now restricted to an enum."),
            ),
            (Some(_), None) => self.emit(
                &rules::CONSTRAINT_IS_WEAKER,
                dir.has(Dir::RESPONSE),
                Some(o.key_loc("enum")),
                Some(n.loc()),
                format!("{label} is no longer restricted to an enum."),
            ),
            (Some(oe), Some(ne)) => {
                for (i, v) in oe.iter().enumerate() {
                    if !ne.contains(v) {
                        self.emit(
                            &rules::REMOVED_ENUM_VALUE,
                            dir.has(Dir::REQUEST),
                            Some(Location::new(o.file, format!("{}/enum/{i}", o.ptr))),
                            Some(n.key_loc("enum")),
                            format!("Enum value {} of {label} was removed.", show(Some(v))),
                        );
                    }
                }
                for (i, v) in ne.iter().enumerate() {
                    if !oe.contains(v) {
                        self.emit(
                            &rules::ADDED_ENUM_VALUE,
                            dir.has(Dir::RESPONSE) && closed_enum(n.v),
                            Some(o.key_loc("enum")),
                            Some(Location::new(n.file, format!("{}/enum/{i}", n.ptr))),
                            format!("Enum value {} of {label} was added.", show(Some(v))),
                        );
                    }
                }
            }
            (None, None) => {}
        }
    }

    /// `x-ms-enum` added, removed, or open ↔ closed. Its `name` only names the generated type
    /// (like a definition's name): the Rust layer reports it.
    fn x_ms_enum(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, label: &Label) {
        match (&o.v.x_ms_enum, &n.v.x_ms_enum) {
            (None, Some(_)) => self.emit(
                &rules::ADDED_XMS_ENUM,
                true,
                Some(o.loc()),
                Some(n.key_loc("x-ms-enum")),
                format!("{label} gained `x-ms-enum`."),
            ),
            (Some(_), None) => self.emit(
                &rules::REMOVED_XMS_ENUM,
                true,
                Some(o.key_loc("x-ms-enum")),
                Some(n.loc()),
                format!("{label} lost `x-ms-enum`."),
            ),
            (Some(a), Some(b)) if a.model_as_string != b.model_as_string => {
                let key = "modelAsString";
                let (oe, ne) = (o.below("x-ms-enum", a), n.below("x-ms-enum", b));
                let m = |v: Option<bool>| v.map(Value::Bool);
                self.emit(
                    &rules::XMS_ENUM_CHANGED,
                    true,
                    Some(oe.loc_of(key, a.model_as_string.is_some())),
                    Some(ne.loc_of(key, b.model_as_string.is_some())),
                    format!(
                        "`x-ms-enum.{key}` of {label} changed from {} to {}.",
                        show(m(a.model_as_string).as_ref()),
                        show(m(b.model_as_string).as_ref())
                    ),
                );
            }
            _ => {}
        }
    }

    fn constraints(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, dir: Dir, label: &Label) {
        for &(kw, kind) in CONSTRAINTS {
            let (a, b) = (constraint(o.v, kw), constraint(n.v, kw));
            if a == b {
                continue;
            }
            let (rule, breaking, how) = match tightening(kind, a.as_ref(), b.as_ref()) {
                Some(true) => (
                    &rules::CONSTRAINT_IS_STRONGER,
                    dir.has(Dir::REQUEST),
                    "stronger",
                ),
                Some(false) => (
                    &rules::CONSTRAINT_IS_WEAKER,
                    dir.has(Dir::RESPONSE),
                    "weaker",
                ),
                None => (&rules::CONSTRAINT_CHANGED, dir.has(Dir::REQUEST), "changed"),
            };
            self.emit(
                rule,
                breaking,
                Some(o.key_loc(kw)),
                Some(n.key_loc(kw)),
                format!(
                    "`{kw}` of {label} is {how}: {} → {}.",
                    show(a.as_ref()),
                    show(b.as_ref())
                ),
            );
        }
    }

    /// The wire value of a union member, when both schemas are members.
    fn discriminator_value(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, label: &Label) {
        let (Some(a), Some(b)) = (
            self.old.discriminator_value(o),
            self.new.discriminator_value(n),
        ) else {
            return;
        };
        if a != b {
            self.emit(
                &rules::DISCRIMINATOR_VALUE_CHANGED,
                true,
                Some(o.key_loc("x-ms-discriminator-value")),
                Some(n.key_loc("x-ms-discriminator-value")),
                format!("Discriminator value of {label} changed from `{a}` to `{b}`."),
            );
        }
    }

    /// `additionalProperties` and properties, `allOf` flattened.
    fn object(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, dir: Dir, label: &Label) {
        let (old, new) = (self.old, self.new);
        let (of, nf) = (
            flatten(old.set, o, &label.old),
            flatten(new.set, n, &label.new),
        );
        // A free-form object (`{"type": "object"}`, declaring nothing) is the same whether or
        // not it spells out `additionalProperties: {}` (or `true`).
        let free = |h: &At<Schema>, f: &Flat| {
            f.props.is_empty()
                && h.v.discriminator.is_none()
                && type_of(h.v) == Some("object")
                && match &f.extra {
                    None | Some((Extra::Any, _)) => true,
                    Some((Extra::Values(v), _)) => is_any(v.v),
                    Some((Extra::No, _)) => false,
                }
        };
        let allows =
            |e: &Option<(Extra, Location)>| matches!(e, Some((Extra::Any | Extra::Values(_), _)));
        let loc = |e: &Option<(Extra, Location)>, h: &At<Schema>| {
            e.as_ref().map_or_else(|| h.loc(), |(_, l)| l.clone())
        };
        let both_free = free(o, &of) && free(n, &nf);
        match (allows(&of.extra), allows(&nf.extra)) {
            _ if both_free => {}
            (false, true) => self.emit(
                &rules::ADDED_ADDITIONAL_PROPERTIES,
                true,
                Some(loc(&of.extra, o)),
                Some(loc(&nf.extra, n)),
                format!("{label} now allows additional properties."),
            ),
            (true, false) => self.emit(
                &rules::REMOVED_ADDITIONAL_PROPERTIES,
                true,
                Some(loc(&of.extra, o)),
                Some(loc(&nf.extra, n)),
                format!("{label} no longer allows additional properties."),
            ),
            _ => {}
        }
        for (name, q) in &of.props {
            if !nf.props.contains_key(name) {
                self.emit(
                    &rules::REMOVED_PROPERTY,
                    true,
                    Some(q.at.loc()),
                    None,
                    format!("Property `{}.{name}` was removed.", q.owner),
                );
            }
        }
        for (name, p) in &nf.props {
            let Some(q) = of.props.get(name) else {
                let what = format!("`{}.{name}`", p.owner);
                let (rule, breaking, msg) = if read_only(new, &p.at) {
                    (
                        &rules::ADDED_READONLY_PROPERTY,
                        false,
                        format!("Read-only property {what} was added."),
                    )
                } else if nf.required.contains(name) {
                    (
                        &rules::ADDED_REQUIRED_PROPERTY,
                        dir.has(Dir::REQUEST),
                        format!("Required property {what} was added."),
                    )
                } else if !dir.has(Dir::REQUEST) {
                    (
                        &rules::ADDED_PROPERTY_IN_RESPONSE,
                        false,
                        format!("Property {what} was added (response only)."),
                    )
                } else {
                    (
                        &rules::ADDED_OPTIONAL_PROPERTY,
                        false,
                        format!("Optional property {what} was added."),
                    )
                };
                self.emit(rule, breaking, None, Some(p.at.loc()), msg);
                continue;
            };
            let (was, is) = (of.required.contains(name), nf.required.contains(name));
            if was == is {
                continue;
            }
            let ro = read_only(old, &q.at) && read_only(new, &p.at);
            let pdir = if ro && dir.has(Dir::RESPONSE) {
                Dir::RESPONSE
            } else {
                dir
            };
            let breaking = if is {
                pdir.has(Dir::REQUEST)
            } else {
                pdir.has(Dir::RESPONSE)
            };
            let plabel = Label::pair(format!("{}.{name}", q.owner), format!("{}.{name}", p.owner));
            self.emit(
                &rules::REQUIRED_STATUS_CHANGE,
                breaking,
                Some(q.at.loc()),
                Some(p.at.loc()),
                format!(
                    "Property {plabel} is now {}.",
                    if is { "required" } else { "optional" }
                ),
            );
        }
    }

    /// Members of a union that only one side has: like an enum value of the discriminator,
    /// a member removed breaks requests, a member added is new content.
    /// A member whose value the discriminator property's `enum` gains or loses is reported
    /// there already.
    fn members(&mut self, o: &At<'a, Schema>, n: &At<'a, Schema>, dir: Dir, label: &Label) {
        let m = members(self.old, self.new, o, n);
        let (oe, ne) = (
            discriminator_enum(self.old, o),
            discriminator_enum(self.new, n),
        );
        let lists =
            |e: &Option<Vec<Value>>, v: &str| e.as_ref().map(|e| e.contains(&Value::from(v)));
        for (v, a) in m.removed {
            if lists(&oe, &v) == Some(true) && lists(&ne, &v) == Some(false) {
                continue;
            }
            let name = a.def_name().unwrap_or_default();
            self.emit(
                &rules::REMOVED_ENUM_VALUE,
                dir.has(Dir::REQUEST),
                Some(a.loc()),
                Some(n.key_loc("discriminator")),
                format!("Union member `{v}` (`{name}`) of {label} was removed."),
            );
        }
        for (v, b) in m.added {
            if lists(&ne, &v) == Some(true) && lists(&oe, &v) == Some(false) {
                continue;
            }
            let name = b.def_name().unwrap_or_default();
            self.emit(
                &rules::ADDED_ENUM_VALUE,
                false,
                Some(o.key_loc("discriminator")),
                Some(b.loc()),
                format!("Union member `{v}` (`{name}`) of {label} was added."),
            );
        }
    }
}

/// The `enum` of a union base's discriminator property, if it has one.
fn discriminator_enum(ix: &Index, base: &At<Schema>) -> Option<Vec<Value>> {
    let name = base.v.discriminator.as_ref()?;
    let flat = flatten(ix.set, base, "");
    let prop = resolve(ix.set, &flat.props.get(name)?.at).ok()?;
    prop.v.enum_values.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_tighten_by_kind() {
        let v = |n: i64| Some(Value::from(n));
        assert_eq!(
            tightening(Tighten::Max, v(10).as_ref(), v(5).as_ref()),
            Some(true)
        );
        assert_eq!(
            tightening(Tighten::Min, v(10).as_ref(), v(5).as_ref()),
            Some(false)
        );
        assert_eq!(
            tightening(Tighten::Other, v(1).as_ref(), v(2).as_ref()),
            None
        );
        assert_eq!(tightening(Tighten::Max, None, v(2).as_ref()), Some(true));
        let t = Some(Value::Bool(true));
        assert_eq!(tightening(Tighten::Flag, None, t.as_ref()), Some(true));
    }
}
