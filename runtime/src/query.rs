//! Array query parameters on the wire as the spec's `collectionFormat` says (hand-written).
//!
//! progenitor writes an array query parameter as one `name=value` pair per item, which is
//! Swagger 2.0's `multi`. The default, `csv`, and `ssv`, `tsv` and `pipes` send one pair whose
//! value joins the items with `,`, ` `, `\t` or `|`; each version's client hook calls
//! [`join_arrays`] with the operation's non-`multi` array parameters to rewrite them.

/// The separator of a Swagger 2.0 `collectionFormat` as it appears in a query string
/// (`None` for `multi`: repeated keys). `csv` keeps its comma literal (`names=a,b`), which
/// RFC 3986 allows in a query; the others are percent-encoded.
pub fn separator(collection_format: &str) -> Option<&'static str> {
    match collection_format {
        "csv" => Some(","),
        "ssv" => Some("%20"),
        "tsv" => Some("%09"),
        "pipes" => Some("%7C"),
        _ => None,
    }
}

/// Joins the repeated pairs of each `(name, collectionFormat)` into one pair at the place of
/// its first item (`multi` stays repeated). The query is edited as text, so every other pair
/// keeps its exact bytes.
pub fn join_arrays(url: &mut url::Url, arrays: &[(&str, &str)]) {
    let Some(query) = url.query() else { return };
    if arrays.is_empty() {
        return;
    }
    let key_of = |pair: &str| -> String {
        let raw = pair.split_once('=').map_or(pair, |(k, _)| k);
        url::form_urlencoded::parse(raw.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default()
    };
    let mut out: Vec<(Option<&str>, String)> = Vec::new();
    let mut changed = false;
    for pair in query.split('&') {
        let key = key_of(pair);
        let array = arrays
            .iter()
            .find(|(name, _)| *name == key)
            .and_then(|(name, format)| Some((name, separator(format)?)));
        match array {
            Some((name, sep)) => {
                let value = pair.split_once('=').map_or("", |(_, v)| v);
                match out.iter_mut().find(|(k, _)| *k == Some(*name)) {
                    Some((_, joined)) => {
                        joined.push_str(sep);
                        joined.push_str(value);
                        changed = true;
                    }
                    None => out.push((Some(*name), pair.to_string())),
                }
            }
            None => out.push((None, pair.to_string())),
        }
    }
    if changed {
        let q: Vec<String> = out.into_iter().map(|(_, p)| p).collect();
        url.set_query(Some(&q.join("&")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(q: &str, arrays: &[(&str, &str)]) -> String {
        let mut u = url::Url::parse(&format!("https://h/p?{q}")).unwrap();
        join_arrays(&mut u, arrays);
        u.query().unwrap_or_default().to_string()
    }

    #[test]
    fn each_format_joins_with_its_separator() {
        let q = "a=1&names=x&names=y&b=2";
        assert_eq!(joined(q, &[("names", "csv")]), "a=1&names=x,y&b=2");
        assert_eq!(joined(q, &[("names", "pipes")]), "a=1&names=x%7Cy&b=2");
        assert_eq!(joined(q, &[("names", "ssv")]), "a=1&names=x%20y&b=2");
        assert_eq!(joined(q, &[("names", "tsv")]), "a=1&names=x%09y&b=2");
        assert_eq!(joined(q, &[("names", "multi")]), q);
        assert_eq!(
            joined("names=a%26b&names=c", &[("names", "csv")]),
            "names=a%26b,c"
        );
    }

    #[test]
    fn nothing_to_join_leaves_the_url_alone() {
        assert_eq!(
            joined("names=x&b=%2F", &[("names", "csv")]),
            "names=x&b=%2F"
        );
        assert_eq!(joined("a=1&a=2", &[]), "a=1&a=2");
    }
}
