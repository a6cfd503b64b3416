//! A started server copies SQLite's write-ahead log back into the database file on a thread of
//! its own (its writer never checkpoints): the log then starts again from its beginning, which
//! SQLite counts in the log's header.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{log_in, TestServer};

/// How many times the log has started again, from its header (bytes 12..16, big-endian); `None`
/// while there is no log yet.
fn log_restarts(database: &Path) -> Option<u32> {
    let mut log = database.as_os_str().to_owned();
    log.push("-wal");
    let mut header = [0u8; 16];
    std::fs::File::open(PathBuf::from(log))
        .and_then(|mut file| file.read_exact(&mut header))
        .ok()?;
    Some(u32::from_be_bytes([
        header[12], header[13], header[14], header[15],
    ]))
}

#[tokio::test]
async fn a_started_server_copies_its_log_back_and_starts_it_again() {
    let server = TestServer::start().await;
    let database = PathBuf::from(
        server
            .database_url
            .strip_prefix("sqlite://")
            .expect("a SQLite URL"),
    );
    let browser = TestServer::browser();
    log_in(&server, &browser).await;
    let first = log_restarts(&database);
    // Each round writes twice: a viewer goes on the exclusion list and off it again. Bounded: on a
    // loaded machine the checkpoint thread still gets its turn well within this.
    for _ in 0..200 {
        let res = browser
            .post(server.url("/api/exclusions"))
            .json(&json!({ "user_login": "viewer_bob" }))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let excluded: Value = res.json().await.unwrap();
        let id = excluded["user_id"].as_str().expect("the viewer's id");
        let res = browser
            .delete(server.url(&format!("/api/exclusions/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        if log_restarts(&database) != first {
            server.stop().await.unwrap();
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the write-ahead log never started again: nothing checkpoints it");
}
