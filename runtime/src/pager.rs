//! Pageable operations (`x-ms-pageable`): a [`Pager`] is a `futures::Stream` of items that
//! follows `nextLink` (an absolute URL on the configured endpoint) until it is absent, null or
//! empty. [`Pager::into_pages`] gives whole pages instead. A `nextLinkName: null` operation is
//! a single page. A `nextLink` seen before is an error, not a loop.
//!
//! A pager made by a group client (`client.workspaces().list(..)`) owns everything it needs
//! (`Pager<'static, T>`), so it can be moved into `tokio::spawn`. [`Pager::continuation`] is
//! the `nextLink` of the last page fetched; [`Pager::resume`] (or the operation's
//! `continuation` option) starts from it.

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::stream::{BoxStream, Stream, StreamExt};
use serde_json::Value;

use crate::error::Error;
use crate::json::Json;
use crate::runtime::Pipeline;

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The link to the next page, if any.
    pub next_link: Option<String>,
}

/// A stream of the items of every page.
pub struct Pager<'a, T> {
    pages: BoxStream<'a, Result<Page<T>, Error>>,
    buffer: VecDeque<T>,
    continuation: Arc<Mutex<Option<String>>>,
}

type FirstPage<'a, T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send + 'a>>;

enum Cursor<'a, T> {
    First(FirstPage<'a, T>),
    Next(String),
    Done,
}

struct Walk<'a, T> {
    cursor: Cursor<'a, T>,
    pipeline: Pipeline,
    base_url: String,
    item_name: &'static str,
    next_link_name: Option<&'static str>,
    seen: BTreeSet<String>,
    continuation: Arc<Mutex<Option<String>>>,
}

impl<'a, T: Json + Send + 'a> Pager<'a, T> {
    /// Pages starting from `first` (the first page, taken from the generated method's typed
    /// response without decoding it again).
    #[doc(hidden)]
    pub fn new(
        pipeline: Pipeline,
        base_url: &str,
        item_name: &'static str,
        next_link_name: Option<&'static str>,
        first: impl Future<Output = Result<Page<T>, Error>> + Send + 'a,
    ) -> Self {
        Self::start(
            Cursor::First(Box::pin(first)),
            pipeline,
            base_url,
            item_name,
            next_link_name,
        )
    }

    /// Pages starting from a `nextLink` (a [`Pager::continuation`]), checked like every
    /// `nextLink`: HTTPS on the client's endpoint.
    #[doc(hidden)]
    pub fn resume(
        pipeline: Pipeline,
        base_url: &str,
        item_name: &'static str,
        next_link_name: Option<&'static str>,
        next_link: String,
    ) -> Self {
        Self::start(
            Cursor::Next(next_link),
            pipeline,
            base_url,
            item_name,
            next_link_name,
        )
    }

    fn start(
        cursor: Cursor<'a, T>,
        pipeline: Pipeline,
        base_url: &str,
        item_name: &'static str,
        next_link_name: Option<&'static str>,
    ) -> Self {
        let continuation = Arc::new(Mutex::new(None));
        let walk = Walk {
            cursor,
            pipeline,
            base_url: base_url.to_string(),
            item_name,
            next_link_name,
            seen: BTreeSet::new(),
            continuation: continuation.clone(),
        };
        let pages = futures_util::stream::unfold(walk, |mut w| async move {
            let page = match std::mem::replace(&mut w.cursor, Cursor::Done) {
                Cursor::Done => return None,
                Cursor::First(f) => f.await,
                Cursor::Next(url) => fetch(&w.pipeline, &w.base_url, &url)
                    .await
                    .and_then(|body| Page::from_json(body, w.item_name, w.next_link_name)),
            };
            let page = page.and_then(|p| w.follow(p));
            if let Ok(p) = &page {
                if let Some(next) = &p.next_link {
                    w.cursor = Cursor::Next(next.clone());
                }
                *w.continuation.lock().unwrap_or_else(|e| e.into_inner()) = p.next_link.clone();
            }
            Some((page, w))
        })
        .boxed();
        Pager {
            pages,
            buffer: VecDeque::new(),
            continuation,
        }
    }

    /// The `nextLink` of the last page fetched (`None` before the first page and after the
    /// last): pass it to [`Pager::resume`] or the operation's `continuation` option to go on
    /// with the pages after it, e.g. in another process. Items of the last page that were
    /// fetched but not yet yielded are not part of it.
    pub fn continuation(&self) -> Option<String> {
        self.continuation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whole pages instead of items.
    pub fn into_pages(self) -> BoxStream<'a, Result<Page<T>, Error>> {
        self.pages
    }

    /// Every item of every page.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<T: Json> Page<T> {
    /// A page from its JSON body, which it consumes: the items are moved out of the
    /// `item_name` array and decoded once; a missing or `null` array is an empty page; an
    /// empty `nextLink` is no next page.
    #[doc(hidden)]
    pub fn from_json(
        body: Value,
        item_name: &str,
        next_link_name: Option<&str>,
    ) -> Result<Self, Error> {
        let Value::Object(mut m) = body else {
            let e = crate::json::DecodeError::expected("an object", &body);
            return Err(crate::response::decode_error(
                200,
                String::new(),
                e.message().to_string(),
                Some(Box::new(e)),
            ));
        };
        let next_link = next_link_name
            .and_then(|n| m.get(n))
            .and_then(Value::as_str)
            .map(str::to_string);
        let items = match m.remove(item_name) {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => Vec::<T>::from_json(v).map_err(|e| {
                let e = e.at(item_name);
                crate::response::decode_error(
                    200,
                    e.pointer(),
                    e.message().to_string(),
                    Some(Box::new(e)),
                )
            })?,
        };
        Ok(Page { items, next_link })
    }
}

impl<T> Walk<'_, T> {
    /// Checks a page's `nextLink` before it is followed: non-empty, never seen before, and
    /// on the configured endpoint.
    fn follow(&mut self, mut page: Page<T>) -> Result<Page<T>, Error> {
        page.next_link = page.next_link.filter(|s| !s.is_empty());
        if let Some(next) = &page.next_link {
            if !self.seen.insert(next.clone()) {
                return Err(crate::response::decode_error(
                    200,
                    format!("/{}", self.next_link_name.unwrap_or_default()),
                    "expected a new nextLink, found a repeated nextLink (stopping instead of looping)".into(),
                    None,
                ));
            }
            self.pipeline.check_url(&self.base_url, next)?;
        }
        Ok(page)
    }
}

async fn fetch(pipeline: &Pipeline, base_url: &str, url: &str) -> Result<Value, Error> {
    pipeline.check_url(base_url, url)?;
    Ok(pipeline.get(url).await?.value()?.unwrap_or(Value::Null))
}

impl<T: Json + Send> Stream for Pager<'_, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(page.items),
            }
        }
    }
}

impl<T> Unpin for Pager<'_, T> {}
