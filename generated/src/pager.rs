//! Pageable operations (`x-ms-pageable`): a [`Pager`] is a `futures::Stream` of items that
//! follows `nextLink` (an absolute URL on the configured endpoint) until it is absent, null or
//! empty. [`Pager::into_pages`] gives whole pages instead. A `nextLinkName: null` operation is
//! a single page. A `nextLink` seen before is an error, not a loop.

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
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
}

enum Cursor<'a> {
    First(Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>),
    Next(String),
    Done,
}

struct Walk<'a> {
    cursor: Cursor<'a>,
    pipeline: Pipeline,
    base_url: String,
    item_name: &'static str,
    next_link_name: Option<&'static str>,
    seen: BTreeSet<String>,
}

impl<'a, T: Json + Send + 'a> Pager<'a, T> {
    /// Pages starting from `first` (the first page's JSON, from the generated method).
    #[doc(hidden)]
    pub fn new(
        pipeline: Pipeline,
        base_url: &str,
        item_name: &'static str,
        next_link_name: Option<&'static str>,
        first: impl Future<Output = Result<Value, Error>> + Send + 'a,
    ) -> Self {
        let walk = Walk {
            cursor: Cursor::First(Box::pin(first)),
            pipeline,
            base_url: base_url.to_string(),
            item_name,
            next_link_name,
            seen: BTreeSet::new(),
        };
        let pages = futures_util::stream::unfold(walk, |mut w| async move {
            let body = match std::mem::replace(&mut w.cursor, Cursor::Done) {
                Cursor::Done => return None,
                Cursor::First(f) => f.await,
                Cursor::Next(url) => fetch(&w.pipeline, &w.base_url, &url).await,
            };
            let page = body.and_then(|b| w.page(b));
            if let Ok(p) = &page {
                if let Some(next) = &p.next_link {
                    w.cursor = Cursor::Next(next.clone());
                }
            }
            Some((page, w))
        })
        .boxed();
        Pager {
            pages,
            buffer: VecDeque::new(),
        }
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

impl Walk<'_> {
    fn page<T: Json>(&mut self, body: Value) -> Result<Page<T>, Error> {
        let next_link = self
            .next_link_name
            .and_then(|n| body.get(n))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let Some(next) = &next_link {
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
        let items = match body.get(self.item_name) {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => Vec::<T>::from_json(v.clone()).map_err(|e| {
                let e = e.at(self.item_name);
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
