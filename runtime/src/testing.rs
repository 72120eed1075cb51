//! A fake ARM for users' tests (cargo feature `testing`): an in-process HTTP/1.1 server on
//! loopback that a `Client` points at, answering per **operation id**.
//!
//! The fake knows an api-version's operations (`azml::vX::OPERATIONS`: method and path
//! template of each), matches every request to its operation id and answers it from, in
//! order: a closure registered with [`FakeArm::on`], or a recorded spec example registered
//! with [`FakeArm::example`] (its `200` response, else its lowest 2xx one; the body only,
//! since recorded headers point at the real service). A request that matches no operation
//! gets `404`, an operation with no answer `501`, both with an ARM error body, so the code
//! under test sees an ordinary [`crate::Error`]. Every request is recorded
//! ([`FakeArm::requests`], [`FakeArm::calls`]) for assertions.
//!
//! ```ignore
//! use azml::testing::{FakeArm, FakeResponse};
//! use azml::v2025_12_01::{Client, OPERATIONS};
//!
//! let fake = FakeArm::start(OPERATIONS).await;
//! fake.on("Workspaces_Get", |req| {
//!     let name = req.param("workspaceName").unwrap_or_default();
//!     FakeResponse::json(200, serde_json::json!({ "name": name, "location": "eastus" }))
//! });
//! let pipeline = azml::runtime::Pipeline::builder().subscription_id("sub").build()?;
//! let client = Client::with_endpoint(fake.base_url(), pipeline);
//! // … run the code under test with `client` …
//! assert_eq!(fake.calls("Workspaces_Get"), 1);
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An operation the fake can route to: its id, HTTP method and path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `operationId`, e.g. `Workspaces_Get`.
    pub id: String,
    /// HTTP method (any case).
    pub method: String,
    /// Path template, e.g. `/subscriptions/{subscriptionId}/…`.
    pub path: String,
}

impl Route {
    /// A route from its parts.
    pub fn new(id: &str, method: &str, path: &str) -> Self {
        Route {
            id: id.to_string(),
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
        }
    }

    /// The path parameters when `method path` is this operation; `None` otherwise.
    /// Literal segments compare case-insensitively (ARM paths are).
    fn matches(&self, method: &str, path: &str) -> Option<BTreeMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let tpl: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        if tpl.len() != got.len() {
            return None;
        }
        let mut params = BTreeMap::new();
        for (t, g) in tpl.iter().zip(&got) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !g.is_empty() => {
                    params.insert(name.to_string(), percent_decode(g));
                }
                Some(_) => return None,
                None if t.eq_ignore_ascii_case(g) => {}
                None => return None,
            }
        }
        Some(params)
    }

    fn literal_segments(&self) -> usize {
        self.path.split('/').filter(|s| !s.starts_with('{')).count()
    }
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    /// The operation it matched, if any.
    pub operation_id: Option<String>,
    /// `GET`, `PUT`, …
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Path parameters by template name (`workspaceName` → `ws1`), decoded.
    pub params: BTreeMap<String, String>,
    /// Query parameters in order, decoded.
    pub query: Vec<(String, String)>,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl FakeRequest {
    /// A path parameter (template name), else a query parameter (wire name).
    pub fn param(&self, name: &str) -> Option<String> {
        self.params.get(name).cloned().or_else(|| {
            self.query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    /// A header value (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Value::Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A response the fake sends.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeResponse {
    /// Status code.
    pub status: u16,
    /// Headers besides `content-length`.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl FakeResponse {
    /// A JSON response.
    pub fn json(status: u16, body: Value) -> Self {
        FakeResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response without a body.
    pub fn empty(status: u16) -> Self {
        FakeResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// An ARM error response (`{"error": {"code", "message"}}`).
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            json!({ "error": { "code": code, "message": message } }),
        )
    }

    /// The same response with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

type Handler = Arc<dyn Fn(&FakeRequest) -> FakeResponse + Send + Sync>;

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    handlers: Mutex<HashMap<String, Handler>>,
    requests: Mutex<Vec<FakeRequest>>,
}

impl State {
    fn answer(&self, mut req: FakeRequest) -> FakeResponse {
        let (route, params) = self
            .routes
            .iter()
            .filter_map(|r| r.matches(&req.method, &req.path).map(|p| (r, p)))
            .max_by_key(|(r, _)| r.literal_segments())
            .map_or((None, BTreeMap::new()), |(r, p)| (Some(r), p));
        req.operation_id = route.map(|r| r.id.clone());
        req.params = params;
        self.requests
            .lock()
            .expect("not poisoned")
            .push(req.clone());
        let Some(route) = route else {
            return FakeResponse::error(
                404,
                "FakeNoRoute",
                &format!("no operation matches {} {}", req.method, req.path),
            );
        };
        let handler = self
            .handlers
            .lock()
            .expect("not poisoned")
            .get(&route.id)
            .cloned();
        match handler {
            Some(h) => h(&req),
            None => FakeResponse::error(
                501,
                "FakeNotRegistered",
                &format!("no answer registered for {}", route.id),
            ),
        }
    }
}

/// The fake ARM server; it stops when dropped.
pub struct FakeArm {
    base: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeArm {
    /// Starts serving the given operations (e.g. `azml::v2025_12_01::OPERATIONS`) on an
    /// ephemeral loopback port. Needs a Tokio runtime.
    pub async fn start<R: Into<Route>>(routes: impl IntoIterator<Item = R>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a loopback port");
        let base = format!(
            "http://{}",
            listener
                .local_addr()
                .expect("a bound socket has an address")
        );
        let state = Arc::new(State {
            routes: routes.into_iter().map(Into::into).collect(),
            ..State::default()
        });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(serve(sock, state));
            }
        });
        FakeArm { base, state, task }
    }

    /// The base URL to give `Client::with_endpoint`, `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Answers operation `operation_id` with `handler` (replacing any earlier answer).
    pub fn on(
        &self,
        operation_id: &str,
        handler: impl Fn(&FakeRequest) -> FakeResponse + Send + Sync + 'static,
    ) -> &Self {
        self.state
            .handlers
            .lock()
            .expect("not poisoned")
            .insert(operation_id.to_string(), Arc::new(handler));
        self
    }

    /// Answers operation `operation_id` with a recorded example (an `x-ms-examples` file's
    /// JSON: `{"parameters": …, "responses": {"200": {"body": …}}}`): its `200` response, else
    /// its lowest 2xx one, body only. Fails when the example has no 2xx response.
    pub fn example(&self, operation_id: &str, example: &Value) -> Result<&Self, String> {
        let responses = example
            .get("responses")
            .and_then(Value::as_object)
            .ok_or("the example has no `responses`")?;
        let mut ok: Vec<(u16, &Value)> = responses
            .iter()
            .filter_map(|(k, v)| k.parse::<u16>().ok().map(|s| (s, v)))
            .filter(|(s, _)| (200..300).contains(s))
            .collect();
        ok.sort_by_key(|(s, _)| (*s != 200, *s));
        let (status, r) = ok.first().ok_or("the example has no 2xx response")?;
        let resp = match r.get("body") {
            Some(b) => FakeResponse::json(*status, b.clone()),
            None => FakeResponse::empty(*status),
        };
        Ok(self.on(operation_id, move |_| resp.clone()))
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.state.requests.lock().expect("not poisoned").clone()
    }

    /// How many requests matched `operation_id`.
    pub fn calls(&self, operation_id: &str) -> usize {
        self.state
            .requests
            .lock()
            .expect("not poisoned")
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(operation_id))
            .count()
    }
}

impl Drop for FakeArm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection (keep-alive: requests until the client closes).
async fn serve(mut sock: TcpStream, state: Arc<State>) {
    while let Some(req) = read_request(&mut sock).await {
        let resp = state.answer(req);
        let mut head = format!(
            "HTTP/1.1 {} Fake\r\ncontent-length: {}\r\n",
            resp.status,
            resp.body.len()
        );
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if sock.write_all(head.as_bytes()).await.is_err()
            || sock.write_all(&resp.body).await.is_err()
        {
            return;
        }
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<FakeRequest> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_ascii_uppercase();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    body.truncate(len);
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let query = q
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect();
    Some(FakeRequest {
        operation_id: None,
        method,
        path: path.to_string(),
        params: BTreeMap::new(),
        query,
        headers,
        body,
    })
}

/// `%XX` decoding; invalid escapes stay as they are.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_by_method_and_template_most_literal_first() {
        let state = State {
            routes: vec![
                Route::new("Computes_Get", "GET", "/rg/{rg}/computes/{name}"),
                Route::new("Computes_Default", "GET", "/rg/{rg}/computes/default"),
                Route::new("Computes_Delete", "DELETE", "/rg/{rg}/computes/{name}"),
            ],
            ..State::default()
        };
        let req = |method: &str, path: &str| FakeRequest {
            operation_id: None,
            method: method.into(),
            path: path.into(),
            params: BTreeMap::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        assert_eq!(
            state.answer(req("GET", "/RG/r1/computes/c%201")).status,
            501
        );
        assert_eq!(
            state.answer(req("GET", "/rg/r1/computes/default")).status,
            501
        );
        assert_eq!(state.answer(req("PUT", "/rg/r1/computes/c")).status, 404);
        let seen = state.requests.lock().unwrap();
        assert_eq!(seen[0].operation_id.as_deref(), Some("Computes_Get"));
        assert_eq!(seen[0].params["name"], "c 1");
        assert_eq!(seen[1].operation_id.as_deref(), Some("Computes_Default"));
        assert_eq!(seen[2].operation_id, None);
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }
}
