//! Stands for a user's crate that depends on `azml` and `azure_identity` only: its test shows
//! that `azure_identity` credentials build an azml `Client` directly, with no adapter code.
