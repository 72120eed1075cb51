//! Pagers over loopback: pages followed via absolute `nextLink` in order, whole pages on
//! request, a repeated `nextLink` is an error, and a foreign-host `nextLink` is refused.

use azml::runtime::Pipeline;
use azml::v2023_04_01::{models, Client};
use azml_tests::mock::{MockArm, Response};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

fn ws(name: &str) -> serde_json::Value {
    json!({"name": name, "location": "eastus"})
}

fn client(mock: &MockArm) -> Client {
    Client::with_pipeline(Pipeline::builder().endpoint(&mock.base).build().unwrap())
}

#[tokio::test]
async fn three_pages_yield_all_items_in_order() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        match r.query("page").as_deref() {
            None => Response::json(200, json!({"value": [ws("a"), ws("b")], "nextLink": format!("http://{host}/list?page=2")})),
            Some("2") => Response::json(200, json!({"value": [ws("c")], "nextLink": format!("http://{host}/list?page=3")})),
            _ => Response::json(200, json!({"value": [ws("d"), ws("e")], "nextLink": null})),
        }
    })
    .await;
    let c = client(&mock);
    let names: Vec<String> = c
        .workspaces_list_by_resource_group("s", "rg", None)
        .map_ok(|w: models::Workspace| w.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(mock.requests().len(), 3);
    // Whole pages.
    let sizes: Vec<usize> = c
        .workspaces_list_by_resource_group("s", "rg", None)
        .into_pages()
        .map_ok(|p| p.items.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sizes, [2, 1, 2]);
}

#[tokio::test]
async fn repeated_next_link_is_an_error_not_a_loop() {
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        Response::json(
            200,
            json!({"value": [ws("x")], "nextLink": format!("http://{host}/list?page=again")}),
        )
    })
    .await;
    let c = client(&mock);
    let mut pager = c.workspaces_list_by_resource_group("s", "rg", None);
    let mut items = 0;
    let err = loop {
        match pager.next().await {
            Some(Ok(_)) => items += 1,
            Some(Err(e)) => break e,
            None => panic!("the pager ended instead of reporting the repeated nextLink"),
        }
    };
    assert!(err.to_string().contains("repeated nextLink"), "{err}");
    assert_eq!(
        items, 1,
        "the first page's item, then the error for the page that repeats the link"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn empty_next_link_ends_and_foreign_next_link_is_refused() {
    let mock =
        MockArm::start(|_| Response::json(200, json!({"value": [ws("only")], "nextLink": ""})))
            .await;
    let all = client(&mock)
        .workspaces_list_by_resource_group("s", "rg", None)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);

    let mock = MockArm::start(|_| {
        Response::json(
            200,
            json!({"value": [], "nextLink": "https://evil.example.com/steal"}),
        )
    })
    .await;
    let err = client(&mock)
        .workspaces_list_by_resource_group("s", "rg", None)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, azml::Error::Refused(_)), "{err:?}");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn next_link_name_null_is_a_single_page() {
    // Operations_List has `nextLinkName: null`: a nextLink in the body is not followed.
    let mock = MockArm::start(|r| {
        let host = r.header("host").unwrap().to_string();
        Response::json(200, json!({"value": [{"name": "op1"}, {"name": "op2"}], "nextLink": format!("http://{host}/more")}))
    })
    .await;
    let ops = client(&mock).operations_list().collect_all().await.unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(mock.requests().len(), 1);
}
