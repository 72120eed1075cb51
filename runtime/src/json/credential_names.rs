//! The credential-name rule, one copy for two crates: the runtime's `Debug` redacts the values
//! of unknown properties whose key matches it, and the generator (`azml-codegen`, which
//! includes this file with `#[path]`) marks declared fields that match it as redacted.

/// Whether a property name looks like a credential: passwords, secrets, tokens, connection
/// strings, private keys, kubeconfigs, and names ending in `key`/`keys` (not `publicKey`).
pub fn credential_like(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "token",
        "connectionstring",
        "privatekey",
        "kubeconfig",
    ]
    .iter()
    .any(|w| k.contains(w))
        || (k.ends_with("key") && !k.ends_with("publickey"))
        || k.ends_with("keys")
}
