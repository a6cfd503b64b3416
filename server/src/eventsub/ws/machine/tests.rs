use super::*;
use Role::{Current, Successor};

fn msg(role: Role, signal: Signal) -> Input {
    Input::Message(role, signal)
}

/// Runs `inputs` from a fresh session; returns every step.
fn run(inputs: &[Input]) -> Vec<Step> {
    let mut view = View::default();
    inputs
        .iter()
        .map(|input| {
            let step = decide(view, *input);
            view = next_view(view, &step);
            step
        })
        .collect()
}

fn count(steps: &[Step], wanted: &Step) -> usize {
    steps.iter().filter(|s| *s == wanted).count()
}

#[test]
fn fresh_session_subscribes_once_and_delivers() {
    let steps = run(&[
        msg(Current, Signal::Welcome),
        msg(Current, Signal::Keepalive),
        msg(Current, Signal::Notification),
        msg(Current, Signal::Welcome),
        msg(Current, Signal::Other),
    ]);
    assert_eq!(
        steps,
        [
            Step::Subscribe,
            Step::Nothing,
            Step::Deliver,
            Step::Nothing,
            Step::Nothing
        ]
    );
}

#[test]
fn reconnect_hands_over_without_resubscribing() {
    let steps = run(&[
        msg(Current, Signal::Welcome),
        msg(Current, Signal::Reconnect),
        msg(Current, Signal::Notification),
        msg(Current, Signal::Reconnect),
        msg(Successor, Signal::Welcome),
        msg(Current, Signal::Notification),
        msg(Current, Signal::Keepalive),
        // a second hand-over later works the same way
        msg(Current, Signal::Reconnect),
        msg(Successor, Signal::Welcome),
    ]);
    assert_eq!(count(&steps, &Step::Subscribe), 1);
    assert_eq!(
        steps,
        [
            Step::Subscribe,
            Step::OpenSuccessor,
            Step::Deliver,
            Step::Nothing,
            Step::HandOver,
            Step::Deliver,
            Step::Nothing,
            Step::OpenSuccessor,
            Step::HandOver,
        ]
    );
}

#[test]
fn old_socket_ending_first_continues_with_the_successor() {
    for end in [
        Input::Closed(Current, Some(4004)),
        Input::Closed(Current, None),
        Input::Silent(Current),
    ] {
        let steps = run(&[
            msg(Current, Signal::Welcome),
            msg(Current, Signal::Reconnect),
            end,
            msg(Current, Signal::Welcome),
            msg(Current, Signal::Notification),
        ]);
        assert_eq!(
            steps,
            [
                Step::Subscribe,
                Step::OpenSuccessor,
                Step::PromoteSuccessor,
                Step::Ready,
                Step::Deliver
            ],
            "{end:?}"
        );
    }
}

#[test]
fn failed_successor_is_dropped_and_the_old_socket_kept() {
    let steps = run(&[
        msg(Current, Signal::Welcome),
        msg(Current, Signal::Reconnect),
        Input::Closed(Successor, Some(4007)),
        msg(Current, Signal::Notification),
        msg(Current, Signal::Reconnect),
        Input::Silent(Successor),
        Input::Closed(Current, Some(4004)),
    ]);
    assert_eq!(
        steps,
        [
            Step::Subscribe,
            Step::OpenSuccessor,
            Step::DropSuccessor,
            Step::Deliver,
            Step::OpenSuccessor,
            Step::DropSuccessor,
            Step::Restart("closed by Twitch: 4004 reconnect grace time expired".into()),
        ]
    );
}

#[test]
fn silence_and_closes_restart_and_the_next_session_resubscribes() {
    let steps = run(&[
        msg(Current, Signal::Welcome),
        Input::Silent(Current),
        msg(Current, Signal::Welcome),
        Input::Closed(Current, None),
        Input::Silent(Current),
        msg(Current, Signal::Welcome),
    ]);
    assert_eq!(
        steps,
        [
            Step::Subscribe,
            Step::Restart("keepalive timeout".into()),
            Step::Subscribe,
            Step::Restart("connection lost".into()),
            Step::Restart("no welcome message in time".into()),
            Step::Subscribe,
        ]
    );
}

#[test]
fn revocations() {
    let revoked = Signal::Revocation {
        authorization_revoked: true,
    };
    let other = Signal::Revocation {
        authorization_revoked: false,
    };
    let welcomed = View {
        welcomed: true,
        ..View::default()
    };
    assert_eq!(decide(welcomed, msg(Current, revoked)), Step::Revoked);
    assert_eq!(decide(welcomed, msg(Successor, revoked)), Step::Revoked);
    assert_eq!(decide(welcomed, msg(Current, other)), Step::Nothing);
}

#[test]
fn a_reconnect_on_the_successor_is_ignored() {
    let handing_over = View {
        welcomed: true,
        inherited: false,
        successor: true,
    };
    assert_eq!(
        decide(handing_over, msg(Successor, Signal::Reconnect)),
        Step::Nothing
    );
    assert_eq!(
        decide(handing_over, msg(Successor, Signal::Notification)),
        Step::Deliver
    );
}

#[test]
fn close_codes() {
    for code in 4000..=4007 {
        assert!(!close_reason(code).is_empty());
    }
    assert!(is_client_fault(4001) && is_client_fault(4003) && is_client_fault(4007));
    assert!(!is_client_fault(4000) && !is_client_fault(4005) && !is_client_fault(1000));
    assert_eq!(
        allowed_silence(Duration::from_secs(10)),
        Duration::from_secs(15)
    );
}
