//! The expiry scheduler and the cron endpoint, in real time: removals within a second of the
//! deadline, channels and waitlist sweeps that never hold each other up, overdue sessions at start.

use super::*;

/// An engine on the harness's store and Twitch with the real clock, woken by `scheduler`.
fn real_time_engine(h: &Harness, scheduler: &ExpiryScheduler) -> Arc<Engine> {
    Arc::new(
        Engine::new(
            h.store.clone(),
            h.twitch.clone(),
            h.live.clone(),
            Arc::new(TokioClock),
        )
        .with_deadline_hook(scheduler.hook()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_removes_vip_within_a_second_of_the_deadline() {
    let h = Harness::new().await;
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(scheduler.clone().run(engine.clone(), cancel.clone()));
    // Let the first pass run and the scheduler go to sleep (nothing is due: it sleeps long).
    tokio::time::sleep(Duration::from_millis(100)).await;

    let outcome = engine
        .grant_manual(&h.channel, viewer(1), secs(2), streamer())
        .await
        .unwrap();
    let deadline = session_of(&outcome).expires_at.unwrap();
    loop {
        let vip = h.twitch.is_vip(&h.channel, "1");
        let now = Utc::now();
        if !vip {
            assert!(now >= deadline, "removed before the deadline");
            assert!(
                now - deadline < chrono::Duration::seconds(1),
                "removed {} ms after the deadline",
                (now - deadline).num_milliseconds()
            );
            break;
        }
        assert!(
            now - deadline < chrono::Duration::seconds(1),
            "not removed in time"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(1), task)
        .await
        .expect("the scheduler stops when cancelled")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_waiting_on_twitch_does_not_hold_back_another_channels_removals() {
    let h = Harness::new().await;
    let other = h.another_channel("200").await;
    for (channel, who, secs_) in [(&h.channel, 1, 60), (&other, 2, 120)] {
        h.engine
            .grant_manual(channel, viewer(who), secs(secs_), streamer())
            .await
            .unwrap();
    }
    // The first deadline's removal never gets an answer from Twitch.
    let _gate = h.twitch.hold_removals_in(&h.channel);
    h.clock.advance(300);
    let (engine, now) = (h.engine.clone(), h.now());
    let pass = tokio::spawn(async move { engine.expire_due(now).await });

    let started = std::time::Instant::now();
    while h.twitch.is_vip(&other, "2") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the other channel's VIP waited for the first channel's removal"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        h.twitch.removals_waiting(),
        1,
        "the first removal is still waiting"
    );
    h.twitch.release_removals();
    let report = pass.await.unwrap().unwrap();
    assert_eq!(report.removed, 2);
    assert!(!h.twitch.is_vip(&h.channel, "1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waitlist_sweep_stuck_on_twitch_does_not_hold_up_a_removal() {
    let h = Harness::new().await;
    h.settings(|s| s.slots_full = SlotsFullPolicy::Waitlist)
        .await;
    h.twitch.set_slots(&h.channel, 1);
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let outcome = engine
        .grant_manual(&h.channel, viewer(1), secs(3), streamer())
        .await
        .unwrap();
    let deadline = session_of(&outcome).expires_at.unwrap();
    let (queued, _) = h.deliver_redemption_to(&engine, &viewer(2)).await;
    assert_eq!(queued, GrantOutcome::Waitlisted);
    // A slot frees up outside the app: the waitlist sweep adds viewer 2, and Twitch never answers.
    h.twitch.set_slots(&h.channel, 2);
    let _gate = h.twitch.hold_adds();

    let cancel = CancellationToken::new();
    let tasks = [
        tokio::spawn(scheduler.run(engine.clone(), cancel.clone())),
        tokio::spawn(drain_waitlists(engine, cancel.clone())),
    ];
    while h.twitch.adds_waiting() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    while h.twitch.is_vip(&h.channel, "1") {
        assert!(
            Utc::now() - deadline < chrono::Duration::seconds(1),
            "viewer 1 not removed within a second of the deadline"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(Utc::now() >= deadline, "removed before the deadline");
    cancel.cancel();
    tasks[0].abort();
    tasks[1].abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_handles_overdue_sessions_at_start() {
    let h = Harness::new().await;
    for n in 1..=3 {
        h.deliver_redemption(&viewer(n)).await;
    }
    // Down for five hours: every deadline is in the (real) past when the new instance starts.
    for n in 1..=3 {
        let s = h.active(&viewer(n)).await.unwrap();
        h.store
            .extend_session(
                &s.id,
                app::ssr::ActiveWith {
                    expires_at: s.expires_at,
                },
                Utc::now() - chrono::Duration::hours(5),
            )
            .await
            .unwrap();
    }
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(scheduler.run(engine, cancel.clone()));
    let started = std::time::Instant::now();
    while h.twitch.vip_count(&h.channel) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "overdue VIPs not removed at once"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cancel.cancel();
    task.await.unwrap();
    assert_eq!(h.audit(AuditAction::Expire).await.len(), 3);
}

async fn call_cron(
    endpoint: &CronEndpoint,
    authorization: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut headers = axum::http::HeaderMap::new();
    if let Some(value) = authorization {
        headers.insert(axum::http::header::AUTHORIZATION, value.parse().unwrap());
    }
    let response = cron_remove_expired(axum::extract::State(endpoint.clone()), headers).await;
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_cron_endpoint_needs_the_secret_and_reports_removals() {
    let h = Harness::new().await;
    let scheduler = ExpiryScheduler::new();
    let engine = real_time_engine(&h, &scheduler);
    for n in 1..=2 {
        let s = session_of(
            &engine
                .grant_manual(&h.channel, viewer(n), secs(60), streamer())
                .await
                .unwrap(),
        )
        .clone();
        h.store
            .extend_session(
                &s.id,
                app::ssr::ActiveWith {
                    expires_at: s.expires_at,
                },
                Utc::now() - chrono::Duration::seconds(1),
            )
            .await
            .unwrap();
    }
    let endpoint = CronEndpoint::new(
        engine.clone(),
        Some(SecretString::from("s3cret".to_string())),
    );

    assert_eq!(call_cron(&endpoint, None).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("Bearer wrong")).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("Bearer s3cret2")).await.0, 401);
    assert_eq!(call_cron(&endpoint, Some("s3cret")).await.0, 401);
    assert_eq!(h.twitch.vip_count(&h.channel), 2);

    let (status, body) = call_cron(&endpoint, Some("Bearer s3cret")).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({ "removed": 2 }));
    assert_eq!(h.twitch.vip_count(&h.channel), 0);
    let (_, body) = call_cron(&endpoint, Some("Bearer s3cret")).await;
    assert_eq!(body, serde_json::json!({ "removed": 0 }));

    // No secret configured: never "Bearer undefined", always 401.
    let unset = CronEndpoint::new(engine.clone(), None);
    assert_eq!(call_cron(&unset, Some("Bearer ")).await.0, 401);
    let empty = CronEndpoint::new(engine, Some(SecretString::from(String::new())));
    assert_eq!(call_cron(&empty, Some("Bearer ")).await.0, 401);
}
