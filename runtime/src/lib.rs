//! # azml-runtime — the hand-written runtime of `azml`
//!
//! Everything the generated `azml` version modules call: the HTTP pipeline ([`runtime`]),
//! authentication ([`auth`]), retries ([`retry`]), the transport rules ([`transport`]),
//! response decoding ([`response`]), long-running operations ([`lro`]), pagers ([`pager`]),
//! client options ([`ClientOptions`]), the one error type ([`Error`]), the JSON model support ([`json`]), array query
//! parameters ([`query`]) and workspace helpers ([`workspace`]); with the `testing` feature, a fake
//! ARM server for users' tests (`testing`).
//!
//! Users import `azml`, which re-exports every module here; this crate is separate so the
//! runtime is compiled, versioned and tested on its own, next to no generated code.

pub mod auth;
pub mod error;
pub mod json;
pub mod lro;
pub mod options;
pub mod pager;
pub mod query;
pub mod response;
pub mod retry;
pub mod runtime;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transport;
pub mod workspace;

pub use error::Error;
pub use options::ClientOptions;
#[doc(hidden)]
pub use serde;
