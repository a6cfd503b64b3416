//! Temporary: exercises FirestoreStore until the shared contract suite exists.
#[path = "support/firestore_emulator.rs"]
mod emulator;

use std::sync::Arc;
use std::time::Duration;

use app::model::*;
use app::ssr::{ActiveWith, SealedTokens, Store, StoreError};
use chrono::{DateTime, Utc};
use server::store::firestore::FirestoreStore;
use tower_sessions::SessionStore;

async fn store() -> FirestoreStore {
    emulator::host();
    FirestoreStore::connect(&emulator::fresh_project_id(), None)
        .await
        .unwrap()
}

fn t(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + s, 123_456_000).unwrap()
}

fn viewer(id: &str) -> Viewer {
    Viewer {
        id: id.into(),
        login: format!("v{id}"),
        display_name: format!("V{id}"),
    }
}

fn session(id: &str, ch: &str, v: &str, exp: Option<i64>) -> VipSession {
    VipSession {
        id: id.into(),
        channel_id: ch.into(),
        viewer: viewer(v),
        source: VipSource::ChannelPoints,
        granted_by: Actor::Moderator {
            id: "m".into(),
            login: "mod".into(),
        },
        granted_at: t(0),
        expires_at: exp.map(t),
        state: SessionState::Active,
        ended_at: None,
        redemption_id: Some("r1".into()),
        metadata: serde_json::json!({"a": [[1, 2], [3]], "big": u64::MAX}),
    }
}

#[tokio::test]
async fn channels_tokens_rewards() {
    let s = store().await;
    s.ping().await.unwrap();
    let ch = Channel {
        id: "1".into(),
        login: "SomeOne".into(),
        display_name: "Some One".into(),
        profile_image_url: None,
        settings: Settings::default(),
        needs_reauth: false,
    };
    s.save_channel(&ch).await.unwrap();
    assert_eq!(s.channel(&"1".into()).await.unwrap(), Some(ch.clone()));
    assert_eq!(
        s.channel_by_login("someONE").await.unwrap(),
        Some(ch.clone())
    );
    assert_eq!(s.channel_by_login("other").await.unwrap(), None);
    let mut st = Settings::default();
    st.auto_remove = false;
    st.discord_webhook_url = Some("https://x".into());
    assert!(s.update_settings(&"1".into(), &st).await.unwrap());
    assert!(!s.update_settings(&"2".into(), &st).await.unwrap());
    assert!(s.set_needs_reauth(&"1".into(), true).await.unwrap());
    assert!(!s.set_needs_reauth(&"9".into(), true).await.unwrap());
    let got = s.channel(&"1".into()).await.unwrap().unwrap();
    assert_eq!(got.settings, st);
    assert!(got.needs_reauth);
    assert_eq!(s.channels().await.unwrap().len(), 1);

    let tok = SealedTokens {
        key_id: "k".into(),
        nonce: vec![0, 1, 255],
        ciphertext: vec![9; 40],
    };
    s.put_tokens("1", &tok).await.unwrap();
    assert_eq!(s.tokens("1").await.unwrap(), Some(tok));
    s.delete_tokens("1").await.unwrap();
    assert_eq!(s.tokens("1").await.unwrap(), None);

    for (id, title) in [("b", "Zeta"), ("a", "Alpha")] {
        let r = Reward {
            id: id.into(),
            channel_id: "1".into(),
            title: title.into(),
            cost: 100,
            prompt: "p".into(),
            duration: VipDuration::from_secs(60).unwrap(),
            enabled: true,
            global_cooldown_secs: Some(5),
            max_per_stream: None,
            max_per_user_per_stream: Some(1),
        };
        s.save_reward(&r).await.unwrap();
    }
    let rs = s.rewards(&"1".into()).await.unwrap();
    assert_eq!(
        rs.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
        ["Alpha", "Zeta"]
    );
    assert!(s.delete_reward("a").await.unwrap());
    assert!(!s.delete_reward("a").await.unwrap());
    assert_eq!(
        s.reward("b")
            .await
            .unwrap()
            .unwrap()
            .max_per_user_per_stream,
        Some(1)
    );
}

#[tokio::test]
async fn redemptions_race() {
    let s = store().await;
    let rec = RedemptionRecord {
        id: "red/1".into(),
        channel_id: "1".into(),
        reward_id: "r".into(),
        viewer: viewer("2"),
        received_at: t(1),
        outcome: RedemptionOutcome::Pending,
    };
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (s, rec) = (s.clone(), rec.clone());
        tasks.push(tokio::spawn(async move {
            s.create_redemption(&rec).await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += t.await.unwrap() as u32;
    }
    assert_eq!(wins, 1);
    assert!(s
        .set_redemption_outcome(
            "red/1",
            RedemptionOutcome::Refunded(RefundReason::SlotsFull)
        )
        .await
        .unwrap());
    assert!(!s
        .set_redemption_outcome("nope", RedemptionOutcome::Fulfilled)
        .await
        .unwrap());
    let got = s.redemption("red/1").await.unwrap().unwrap();
    assert_eq!(
        got.outcome,
        RedemptionOutcome::Refunded(RefundReason::SlotsFull)
    );
    assert_eq!(got.received_at, t(1));
}

#[tokio::test]
async fn sessions_lifecycle() {
    let s = store().await;
    let a = session("s1", "1", "2", Some(100));
    s.insert_session(&a).await.unwrap();
    assert_eq!(s.session("s1").await.unwrap(), Some(a.clone()));
    assert!(matches!(
        s.insert_session(&session("s2", "1", "2", Some(5))).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.insert_session(&a).await,
        Err(StoreError::Conflict(_))
    ));
    s.insert_session(&session("s3", "1", "3", None))
        .await
        .unwrap();
    s.insert_session(&session("s4", "1", "4", Some(50)))
        .await
        .unwrap();
    s.insert_session(&session("s5", "9", "4", Some(10)))
        .await
        .unwrap();
    let act = s.active_sessions(&"1".into()).await.unwrap();
    assert_eq!(
        act.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s4", "s1", "s3"]
    );
    assert_eq!(
        s.active_session(&"1".into(), "2")
            .await
            .unwrap()
            .unwrap()
            .id,
        "s1"
    );
    assert_eq!(s.next_deadline().await.unwrap(), Some(t(10)));
    let due = s.due_sessions(t(60), 10).await.unwrap();
    assert_eq!(
        due.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["s5", "s4"]
    );
    assert_eq!(s.due_sessions(t(60), 1).await.unwrap().len(), 1);
    // CAS
    let exp = ActiveWith {
        expires_at: Some(t(100)),
    };
    assert!(!s
        .extend_session(
            "s1",
            ActiveWith {
                expires_at: Some(t(99))
            },
            t(200)
        )
        .await
        .unwrap());
    assert!(s.extend_session("s1", exp, t(200)).await.unwrap());
    assert!(!s
        .end_session("s1", exp, SessionState::Expired, t(101))
        .await
        .unwrap());
    let exp2 = ActiveWith {
        expires_at: Some(t(200)),
    };
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.end_session("s1", exp2, SessionState::Revoked, t(150))
                .await
                .unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += t.await.unwrap() as u32;
    }
    assert_eq!(wins, 1);
    let ended = s.session("s1").await.unwrap().unwrap();
    assert_eq!(ended.state, SessionState::Revoked);
    assert_eq!(ended.ended_at, Some(t(150)));
    assert_eq!(s.active_session(&"1".into(), "2").await.unwrap(), None);
    s.insert_session(&session("s6", "1", "2", Some(300)))
        .await
        .unwrap();
    // no deadline never due
    assert!(s
        .end_session(
            "s3",
            ActiveWith { expires_at: None },
            SessionState::RemovedExternally,
            t(5)
        )
        .await
        .unwrap());
    // racing inserts for one viewer
    let mut tasks = Vec::new();
    for i in 0..6 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.insert_session(&session(&format!("x{i}"), "7", "7", Some(1)))
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn audit_pages() {
    let s = store().await;
    for i in 0..7 {
        let e = AuditEntry {
            id: format!("e{i}"),
            channel_id: "1".into(),
            at: t(i / 2),
            action: if i % 2 == 0 {
                AuditAction::Grant
            } else {
                AuditAction::Expire
            },
            actor: Actor::System,
            target: (i % 3 == 0).then(|| viewer("5")),
            metadata: serde_json::json!({"i": i}),
        };
        s.append_audit(&e).await.unwrap();
        if i == 0 {
            assert!(matches!(
                s.append_audit(&e).await,
                Err(StoreError::Conflict(_))
            ));
        }
    }
    let mut q = AuditQuery {
        action: None,
        viewer_id: None,
        before: None,
        limit: 3,
    };
    let mut ids = Vec::new();
    loop {
        let p = s.audit_page(&"1".into(), &q).await.unwrap();
        ids.extend(p.entries.iter().map(|e| e.id.clone()));
        match p.next {
            Some(c) => q.before = Some(c),
            None => break,
        }
    }
    assert_eq!(ids, ["e6", "e5", "e4", "e3", "e2", "e1", "e0"]);
    let q = AuditQuery {
        action: Some(AuditAction::Grant),
        viewer_id: Some("5".into()),
        before: None,
        limit: 10,
    };
    let p = s.audit_page(&"1".into(), &q).await.unwrap();
    assert_eq!(
        p.entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["e6", "e0"]
    );
    assert!(p.next.is_none());
}

#[tokio::test]
async fn messages_leases_waitlist_purge() {
    let s = store().await;
    let ttl = Duration::from_secs(10);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.remember_message("m1", t(0), ttl).await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += t.await.unwrap() as u32;
    }
    assert_eq!(wins, 1);
    assert!(!s.remember_message("m1", t(9), ttl).await.unwrap());
    assert!(s.remember_message("m1", t(10), ttl).await.unwrap());
    assert!(s.acquire_lease("sweep", "a", t(0), ttl).await.unwrap());
    assert!(!s.acquire_lease("sweep", "b", t(5), ttl).await.unwrap());
    assert!(s.acquire_lease("sweep", "a", t(5), ttl).await.unwrap());
    assert!(s.acquire_lease("sweep", "b", t(15), ttl).await.unwrap());
    s.release_lease("sweep", "a").await.unwrap();
    assert!(!s.acquire_lease("sweep", "a", t(16), ttl).await.unwrap());
    s.release_lease("sweep", "b").await.unwrap();
    assert!(s.acquire_lease("sweep", "a", t(16), ttl).await.unwrap());
    s.remember_message("m2", t(0), ttl).await.unwrap();
    // m1 until t20, m2 until t10, lease until t26
    assert_eq!(s.purge_expired(t(21)).await.unwrap(), 2);
    assert_eq!(s.purge_expired(t(30)).await.unwrap(), 1);
    assert!(s.remember_message("m2", t(30), ttl).await.unwrap());

    for (i, r) in ["r2", "r1", "r3"].iter().enumerate() {
        let e = WaitlistEntry {
            channel_id: "1".into(),
            redemption_id: r.to_string(),
            viewer: viewer("4"),
            duration_secs: 60,
            queued_at: t(if i == 2 { -1 } else { 0 }),
        };
        s.waitlist_push(&e).await.unwrap();
        s.waitlist_push(&e).await.unwrap();
    }
    let w = s.waitlist(&"1".into()).await.unwrap();
    assert_eq!(
        w.iter()
            .map(|e| e.redemption_id.as_str())
            .collect::<Vec<_>>(),
        ["r3", "r2", "r1"]
    );
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.waitlist_remove(&"1".into(), "r2").await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += t.await.unwrap() as u32;
    }
    assert_eq!(wins, 1);
    assert_eq!(s.waitlist(&"1".into()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn login_sessions() {
    use tower_sessions::session::{Id, Record};
    let s = store().await;
    let mut rec = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    rec.data.insert("user".into(), serde_json::json!({"id": 5}));
    s.create(&mut rec).await.unwrap();
    assert_eq!(s.load(&rec.id).await.unwrap(), Some(rec.clone()));
    let mut dup = rec.clone();
    s.create(&mut dup).await.unwrap();
    assert_ne!(dup.id, rec.id);
    rec.expiry_date = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    s.save(&rec).await.unwrap();
    assert_eq!(s.load(&rec.id).await.unwrap(), None);
    s.delete(&dup.id).await.unwrap();
    assert_eq!(s.load(&dup.id).await.unwrap(), None);
    let _: Arc<dyn Store> = Arc::new(s);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn timing_race() {
    let s = store().await;
    for round in 0..5 {
        let id = format!("s{round}");
        s.insert_session(&session(&id, "100", &format!("v{round}"), Some(60)))
            .await
            .unwrap();
        let seen = ActiveWith {
            expires_at: Some(t(60)),
        };
        let start = std::time::Instant::now();
        let (a, b) = (s.clone(), s.clone());
        let (ida, idb) = (id.clone(), id.clone());
        let h1 = tokio::spawn(async move {
            let st = std::time::Instant::now();
            let r = a.extend_session(&ida, seen, t(600)).await;
            (r.unwrap(), st.elapsed())
        });
        let h2 = tokio::spawn(async move {
            let st = std::time::Instant::now();
            let r = b
                .end_session(&idb, seen, SessionState::Expired, t(60))
                .await;
            (r.unwrap(), st.elapsed())
        });
        let (r1, r2) = (h1.await.unwrap(), h2.await.unwrap());
        eprintln!(
            "round {round}: {:?} {:?} total {:?}",
            r1,
            r2,
            start.elapsed()
        );
    }
}
