//! The core's scenarios, natively (`cargo test`) and in wasm (`wasm-bindgen-test`, in Node).

use mp_login::core::{
    Action, Config, Error, Event, Grant, Machine, Outcome, Raw, RequestId, State, StoredFields,
    Token, Verdict,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const T0: f64 = 1_800_000_000_000.0;

fn config() -> Config {
    Config { leeway_s: 60.0, max_relogins: 1, check_session: false, verify: false }
}

fn grant(token: &str, expires_in: f64) -> Grant {
    Grant { token: Raw::Text(token.into()), expires_in: Raw::Number(expires_in), has_session_key: false }
}

/// A machine plus the actions it produced, drained into a log the tests read.
struct Harness {
    machine: Machine,
    now: f64,
}

impl Harness {
    fn new(config: Config) -> Harness {
        Harness { machine: Machine::new(config), now: T0 }
    }

    fn drain(&mut self) -> Vec<Action> {
        std::iter::from_fn(|| self.machine.poll_action()).collect()
    }

    /// Answers the storage read with nothing stored.
    fn restore(&mut self, stored: Option<StoredFields>) -> Vec<Action> {
        let actions = self.drain();
        assert_eq!(actions, vec![Action::ReadStorage]);
        self.machine.handle_restored(stored, self.now);
        self.drain()
    }

    /// Completes the running login with `token`; returns what followed.
    fn login(&mut self, login: u32, token: &str) -> Vec<Action> {
        self.machine.handle_code(login, Ok(format!("code-{login}")));
        assert_eq!(
            self.drain(),
            vec![Action::Exchange { login, code: format!("code-{login}") }]
        );
        self.machine.handle_exchanged(login, Ok(grant(token, 7200.0)), self.now);
        self.drain()
    }

    /// A request the machine sends at once (the session must hold a fresh token).
    fn sent_request(&mut self) -> RequestId {
        let id = self.machine.handle_request(self.now);
        self.drain();
        id
    }

    fn authenticated(token: &str) -> Harness {
        let mut h = Harness::new(config());
        h.machine.handle_ensure(h.now);
        h.restore(None);
        h.login(1, token);
        assert_eq!(h.machine.state(), State::Authenticated);
        h
    }
}

fn sends(actions: &[Action]) -> Vec<(RequestId, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send { id, token, .. } => Some((*id, token.clone())),
            _ => None,
        })
        .collect()
}

fn count(actions: &[Action], wanted: fn(&Action) -> bool) -> usize {
    actions.iter().filter(|a| wanted(a)).count()
}

fn stored(token: Raw, create_time: Raw, expires_in: Raw) -> Option<StoredFields> {
    Some(StoredFields { token, create_time, expires_in })
}

// ---- the expiry rule ----

#[test]
fn a_token_is_fresh_until_expiry_minus_leeway_and_expired_from_that_instant() {
    let token = Token::from_grant(Raw::Text("t".into()), Raw::Number(7200.0), T0).unwrap();
    let deadline = T0 + (7200.0 - 60.0) * 1000.0;
    assert!(token.is_fresh(deadline - 1.0, 60.0));
    assert!(!token.is_fresh(deadline, 60.0));
    assert_eq!(token.expires_at_ms(), Some(T0 + 7_200_000.0));
}

#[test]
fn a_token_past_its_expiry_is_never_fresh_unlike_the_popular_minus_1000_snippet() {
    let token = Token::from_grant(Raw::Text("t".into()), Raw::Number(7200.0), T0).unwrap();
    // `createTime + expires_in < now - 1000` would still call this fresh.
    assert!(!token.is_fresh(T0 + 7200.0 * 1000.0 + 500_000.0, 60.0));
}

#[test]
fn leeway_never_eats_more_than_half_of_a_short_token_life() {
    let token = Token::from_grant(Raw::Text("t".into()), Raw::Number(30.0), T0).unwrap();
    assert!(token.is_fresh(T0 + 14_999.0, 60.0));
    assert!(!token.is_fresh(T0 + 15_000.0, 60.0));
}

#[test]
fn without_expires_in_there_is_no_local_expiry() {
    let token = Token::from_grant(Raw::Text("t".into()), Raw::Missing, T0).unwrap();
    assert!(token.is_fresh(T0 + 1e12, 60.0));
    assert_eq!(token.expires_at_ms(), None);
}

#[test]
fn a_clock_moved_back_before_create_time_makes_the_token_not_fresh() {
    let token = Token::from_grant(Raw::Text("t".into()), Raw::Missing, T0).unwrap();
    assert!(!token.is_fresh(T0 - 1.0, 60.0));
}

#[test]
fn bad_tokens_and_lifetimes_from_the_server_are_exchange_failures() {
    let bad_tokens = [Raw::Text(String::new()), Raw::Number(42.0), Raw::Missing, Raw::Other("object")];
    for token in bad_tokens {
        let result = Token::from_grant(token.clone(), Raw::Number(7200.0), T0);
        assert!(matches!(result, Err(Error::ExchangeFailed(_))), "{token:?} was accepted");
    }
    let bad_lifetimes = [0.0, -1.0, f64::NAN, f64::INFINITY, 1e20];
    for lifetime in bad_lifetimes {
        let result = Token::from_grant(Raw::Text("t".into()), Raw::Number(lifetime), T0);
        assert!(matches!(result, Err(Error::ExchangeFailed(_))), "{lifetime} was accepted");
    }
    let text = Token::from_grant(Raw::Text("t".into()), Raw::Text("7200".into()), T0);
    assert!(matches!(text, Err(Error::ExchangeFailed(m)) if m.contains("string")));
}

// ---- storage ----

#[test]
fn garbage_in_storage_restores_as_no_token_and_the_next_login_overwrites_it() {
    let garbage = [
        None,
        stored(Raw::Missing, Raw::Number(1.0), Raw::Number(7200.0)),
        stored(Raw::Text(String::new()), Raw::Number(1.0), Raw::Number(7200.0)),
        stored(Raw::Number(5.0), Raw::Number(1.0), Raw::Number(7200.0)),
        stored(Raw::Text("t".into()), Raw::Text("1".into()), Raw::Number(7200.0)),
        stored(Raw::Text("t".into()), Raw::Missing, Raw::Number(7200.0)),
        stored(Raw::Text("t".into()), Raw::Number(1.0), Raw::Number(-5.0)),
    ];
    for record in garbage {
        let mut h = Harness::new(config());
        h.machine.handle_ensure(h.now);
        let after = h.restore(record.clone());
        assert!(after.contains(&Action::WxLogin { login: 1 }), "{record:?} was trusted");
        let after_login = h.login(1, "fresh");
        assert!(matches!(&after_login[0], Action::WriteStorage(t) if t.value == "fresh"));
    }
}

#[test]
fn a_valid_stored_token_is_used_without_logging_in() {
    let mut h = Harness::new(config());
    let id = h.machine.handle_request(h.now);
    let created = T0 / 1000.0 - 100.0;
    let after = h.restore(stored(Raw::Text("kept".into()), Raw::Number(created), Raw::Number(7200.0)));
    assert_eq!(sends(&after), vec![(id, "kept".to_string())]);
    assert_eq!(count(&after, |a| matches!(a, Action::WxLogin { .. })), 0);
}

#[test]
fn an_expired_stored_token_is_reported_expired_then_replaced() {
    let mut h = Harness::new(config());
    h.machine.handle_ensure(h.now);
    let created = T0 / 1000.0 - 7200.0;
    let after = h.restore(stored(Raw::Text("old".into()), Raw::Number(created), Raw::Number(7200.0)));
    assert!(after.contains(&Action::Emit(Event::Expired)));
    assert!(after.contains(&Action::WxLogin { login: 1 }));
}

// ---- one login for everybody ----

#[test]
fn twenty_requests_without_a_token_cause_one_login_and_are_all_sent_with_its_token() {
    let mut h = Harness::new(config());
    let ids: Vec<_> = (0..20).map(|_| h.machine.handle_request(h.now)).collect();
    let after_restore = h.restore(None);
    assert_eq!(count(&after_restore, |a| matches!(a, Action::WxLogin { .. })), 1);
    let after = h.login(1, "new");
    let sent = sends(&after);
    assert_eq!(sent.len(), 20);
    assert!(sent.iter().zip(&ids).all(|((id, token), want)| id == want && token == "new"));
    for id in ids {
        h.machine.handle_response(id, 1, Outcome::Answered, h.now);
    }
    assert_eq!(count(&h.drain(), |a| matches!(a, Action::Resolve { .. })), 20);
    assert_eq!(h.machine.unsettled(), 0);
}

#[test]
fn when_the_login_fails_every_waiting_caller_is_rejected_and_none_is_left_hanging() {
    let mut h = Harness::new(config());
    for _ in 0..5 {
        h.machine.handle_request(h.now);
    }
    h.machine.handle_ensure(h.now);
    h.restore(None);
    h.machine.handle_code(1, Err(Error::LoginFailed("login:fail offline".into())));
    let after = h.drain();
    assert_eq!(count(&after, |a| matches!(a, Action::Reject { error: Error::LoginFailed(_), .. })), 6);
    assert_eq!(h.machine.state(), State::NoToken);
    assert_eq!(h.machine.unsettled(), 0);
}

#[test]
fn an_empty_code_is_a_failed_login_and_is_never_exchanged() {
    let mut h = Harness::new(config());
    h.machine.handle_request(h.now);
    h.restore(None);
    h.machine.handle_code(1, Ok(String::new()));
    let after = h.drain();
    assert_eq!(count(&after, |a| matches!(a, Action::Exchange { .. })), 0);
    assert_eq!(count(&after, |a| matches!(a, Action::Reject { error: Error::LoginFailed(_), .. })), 1);
}

#[test]
fn a_code_is_exchanged_once_even_if_wx_answers_twice() {
    let mut h = Harness::new(config());
    h.machine.handle_request(h.now);
    h.restore(None);
    h.machine.handle_code(1, Ok("c".into()));
    h.machine.handle_code(1, Ok("c".into()));
    assert_eq!(count(&h.drain(), |a| matches!(a, Action::Exchange { .. })), 1);
}

#[test]
fn a_login_response_with_session_key_warns() {
    let mut h = Harness::new(config());
    h.machine.handle_request(h.now);
    h.restore(None);
    h.machine.handle_code(1, Ok("c".into()));
    h.drain();
    let mut leaky = grant("t", 7200.0);
    leaky.has_session_key = true;
    h.machine.handle_exchanged(1, Ok(leaky), h.now);
    assert!(h.drain().iter().any(|a| matches!(a, Action::Emit(Event::Warning(_)))));
}

// ---- 401s ----

#[test]
fn twenty_requests_that_401_at_once_cause_one_relogin_and_are_resent_with_the_new_token() {
    let mut h = Harness::authenticated("first");
    let ids: Vec<_> = (0..20).map(|_| h.machine.handle_request(h.now)).collect();
    h.drain();
    for &id in &ids {
        h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    }
    let after = h.drain();
    assert_eq!(count(&after, |a| matches!(a, Action::WxLogin { .. })), 1);
    assert!(after.contains(&Action::Emit(Event::Expired)));
    let resent = sends(&h.login(2, "second"));
    assert_eq!(resent.len(), 20);
    assert!(resent.iter().all(|(_, token)| token == "second"));
}

#[test]
fn a_token_the_server_rejected_leaves_storage_before_the_relogin() {
    let mut h = Harness::authenticated("refused");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    let after = h.drain();
    let cleared = after.iter().position(|a| *a == Action::ClearStorage);
    let login = after.iter().position(|a| matches!(a, Action::WxLogin { .. }));
    assert!(cleared.is_some() && cleared < login, "{after:?}");
}

#[test]
fn a_token_that_merely_expired_stays_stored_until_replaced() {
    let mut h = Harness::authenticated("t");
    h.now += 7200.0 * 1000.0;
    h.machine.handle_tick(h.now);
    assert!(!h.drain().contains(&Action::ClearStorage));
}

#[test]
fn a_401_for_an_older_token_resends_with_the_current_one_without_a_login() {
    let mut h = Harness::authenticated("first");
    let slow = h.sent_request();
    let quick = h.sent_request();
    h.machine.handle_response(quick, 1, Outcome::Unauthorized, h.now);
    h.drain();
    h.login(2, "second");
    h.machine.handle_response(slow, 1, Outcome::Unauthorized, h.now);
    let after = h.drain();
    assert_eq!(sends(&after), vec![(slow, "second".to_string())]);
    assert_eq!(count(&after, |a| matches!(a, Action::WxLogin { .. })), 0);
    assert_eq!(h.machine.state(), State::Authenticated);
    assert_eq!(h.machine.token().map(|t| t.value.as_str()), Some("second"));
}

#[test]
fn a_request_still_rejected_after_its_relogin_fails_unauthorized_instead_of_looping() {
    let mut h = Harness::authenticated("first");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    h.drain();
    h.login(2, "second");
    h.machine.handle_response(id, 2, Outcome::Unauthorized, h.now);
    let after = h.drain();
    assert_eq!(after, vec![Action::Reject { id, error: Error::Unauthorized { relogins: 1 } }]);
}

#[test]
fn with_max_relogins_zero_a_401_fails_at_once() {
    let mut h = Harness::new(Config { max_relogins: 0, ..config() });
    h.machine.handle_ensure(h.now);
    h.restore(None);
    h.login(1, "t");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    assert_eq!(h.drain(), vec![Action::Reject { id, error: Error::Unauthorized { relogins: 0 } }]);
}

#[test]
fn a_transport_failure_rejects_that_request_and_never_logs_in() {
    let mut h = Harness::authenticated("t");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::NoResponse("request:fail timeout".into()), h.now);
    let after = h.drain();
    assert_eq!(after, vec![Action::Reject { id, error: Error::Network("request:fail timeout".into()) }]);
    assert_eq!(h.machine.state(), State::Authenticated);
}

#[test]
fn a_second_answer_for_the_same_attempt_is_ignored() {
    let mut h = Harness::authenticated("t");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Answered, h.now);
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    assert_eq!(h.drain(), vec![Action::Resolve { id }]);
}

#[test]
fn a_repeated_answer_to_a_first_attempt_is_not_taken_for_the_retry() {
    // Found by the property tests: answers were matched by request only, so a callback for
    // attempt 1 that fired twice was read as the answer to attempt 2.
    let mut h = Harness::authenticated("first");
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    h.drain();
    let after = h.login(2, "second");
    assert!(after.contains(&Action::Send { id, attempt: 2, token: "second".into() }));
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    assert!(h.drain().is_empty(), "the stale answer was acted on");
    h.machine.handle_response(id, 2, Outcome::Answered, h.now);
    assert_eq!(h.drain(), vec![Action::Resolve { id }]);
}

// ---- local expiry ----

#[test]
fn a_token_that_expired_locally_is_replaced_before_the_request_is_sent() {
    let mut h = Harness::authenticated("old");
    h.now += (7200.0 - 60.0) * 1000.0;
    let id = h.machine.handle_request(h.now);
    let after = h.drain();
    assert!(sends(&after).is_empty(), "sent with an expired token");
    assert!(after.contains(&Action::Emit(Event::Expired)));
    assert_eq!(sends(&h.login(2, "new")), vec![(id, "new".to_string())]);
}

#[test]
fn a_tick_after_expiry_moves_the_state_to_expired_without_logging_in() {
    let mut h = Harness::authenticated("t");
    h.now += 7200.0 * 1000.0;
    h.machine.handle_tick(h.now);
    let after = h.drain();
    assert_eq!(h.machine.state(), State::Expired);
    assert_eq!(count(&after, |a| matches!(a, Action::WxLogin { .. })), 0);
}

// ---- checkSession and verify ----

fn restored_with(config: Config) -> (Harness, Vec<Action>) {
    let mut h = Harness::new(config);
    h.machine.handle_ensure(h.now);
    let created = T0 / 1000.0 - 10.0;
    let after = h.restore(stored(Raw::Text("kept".into()), Raw::Number(created), Raw::Number(7200.0)));
    (h, after)
}

#[test]
fn a_failed_check_session_replaces_the_restored_token() {
    let (mut h, after) = restored_with(Config { check_session: true, ..config() });
    assert!(after.contains(&Action::CheckSession { check: 1 }));
    assert_eq!(h.machine.state(), State::Checking);
    h.machine.handle_check_session(1, false, h.now);
    assert!(h.drain().contains(&Action::WxLogin { login: 1 }));
}

#[test]
fn a_passed_check_session_keeps_the_token_but_401s_still_rule() {
    let (mut h, _) = restored_with(Config { check_session: true, ..config() });
    h.machine.handle_check_session(1, true, h.now);
    let after = h.drain();
    assert_eq!(count(&after, |a| matches!(a, Action::Resolve { .. })), 1);
    let id = h.sent_request();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    assert!(h.drain().contains(&Action::WxLogin { login: 1 }));
}

#[test]
fn verify_decides_on_a_restored_token_after_check_session() {
    let (mut h, _) = restored_with(Config { check_session: true, verify: true, ..config() });
    h.machine.handle_check_session(1, true, h.now);
    assert_eq!(h.drain(), vec![Action::Verify { check: 1, token: "kept".into() }]);
    h.machine.handle_verified(1, Verdict::Invalid, h.now);
    assert!(h.drain().contains(&Action::WxLogin { login: 1 }));
}

#[test]
fn an_unanswered_verify_keeps_the_token() {
    let (mut h, _) = restored_with(Config { verify: true, ..config() });
    h.machine.handle_verified(1, Verdict::Unknown, h.now);
    assert_eq!(h.machine.state(), State::Authenticated);
}

// ---- logout ----

#[test]
fn logout_during_a_login_rejects_the_waiting_and_ignores_the_late_answer() {
    let mut h = Harness::new(config());
    let id = h.machine.handle_request(h.now);
    h.restore(None);
    h.machine.handle_logout();
    let after = h.drain();
    assert!(after.contains(&Action::ClearStorage));
    assert!(after.contains(&Action::Reject { id, error: Error::LoggedOut }));
    h.machine.handle_code(1, Ok("late".into()));
    assert!(h.drain().is_empty());
    assert_eq!(h.machine.state(), State::NoToken);
}

#[test]
fn a_401_arriving_after_logout_fails_without_logging_in_again() {
    let mut h = Harness::authenticated("t");
    let id = h.sent_request();
    h.machine.handle_logout();
    h.drain();
    h.machine.handle_response(id, 1, Outcome::Unauthorized, h.now);
    assert_eq!(h.drain(), vec![Action::Reject { id, error: Error::Unauthorized { relogins: 0 } }]);
}

#[test]
fn state_changes_are_announced_with_new_and_old() {
    let mut h = Harness::new(config());
    h.machine.handle_ensure(h.now);
    let after = h.restore(None);
    assert!(after.contains(&Action::Emit(Event::State { new: State::LoggingIn, old: State::NoToken })));
    let after = h.login(1, "t");
    assert!(after.contains(&Action::Emit(Event::State { new: State::Authenticated, old: State::LoggingIn })));
    assert!(after.contains(&Action::Emit(Event::Login)));
}
