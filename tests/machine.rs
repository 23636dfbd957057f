//! The core's scenarios, natively (`cargo test`) and in wasm (`wasm-bindgen-test`, in Node),
//! driven through `model::Driver`, which performs the machine's actions as `js/session.js` does.

mod model;

use model::{Answer, Driver, Record, Step, T0};
use mp_login::core::{
    Config, Error, Event, ExchangeProblem, Grant, Lifetime, Outcome, Seconds, State, TokenField,
    Verdict,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn config() -> Config {
    Config { leeway_s: 60.0, max_relogins: 1, check_session: false, verify: false }
}

trait Scenario {
    /// Completes the running login with `token`; returns what followed.
    fn login(&mut self, login: u32, token: &str) -> Vec<Step>;
    /// A request sent at once (the session must hold a fresh token).
    fn sent_request(&mut self) -> usize;
}

impl Scenario for Driver {
    fn login(&mut self, login: u32, token: &str) -> Vec<Step> {
        let code = format!("code-{login}");
        self.code(login, Ok(&code));
        assert_eq!(self.steps(), vec![Step::Exchange { login, code }]);
        self.exchanged(login, Ok(Answer::token(token, 7200.0)));
        self.steps()
    }

    fn sent_request(&mut self) -> usize {
        let id = self.request();
        assert!(matches!(self.steps()[..], [Step::Send { .. }]), "not sent at once");
        id
    }
}

fn authenticated(token: &str) -> Driver {
    let mut h = Driver::new(config());
    h.ensure();
    h.steps();
    h.login(1, token);
    assert_eq!(h.machine.state(), State::Authenticated);
    h
}

fn sends(steps: &[Step]) -> Vec<(usize, String)> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Send { id, token, .. } => Some((*id, token.clone())),
            _ => None,
        })
        .collect()
}

fn count(steps: &[Step], wanted: fn(&Step) -> bool) -> usize {
    steps.iter().filter(|s| wanted(s)).count()
}

fn lifetime(token: TokenField, expires_in: Seconds) -> Result<Lifetime, Error> {
    Lifetime::from_grant(&Grant { token, expires_in, has_session_key: false }, T0)
}

fn fresh(expires_in_s: f64) -> Lifetime {
    lifetime(TokenField::Text, Seconds::Number(expires_in_s)).unwrap()
}

// ---- the expiry rule ----

#[test]
fn a_token_is_fresh_until_expiry_minus_leeway_and_expired_from_that_instant() {
    let token = fresh(7200.0);
    let deadline = T0 + (7200.0 - 60.0) * 1000.0;
    assert!(token.is_fresh(deadline - 1.0, 60.0));
    assert!(!token.is_fresh(deadline, 60.0));
    assert_eq!(token.expires_at_ms(), Some(T0 + 7_200_000.0));
}

#[test]
fn a_token_past_its_expiry_is_never_fresh_unlike_the_popular_minus_1000_snippet() {
    // `createTime + expires_in < now - 1000` would still call this fresh.
    assert!(!fresh(7200.0).is_fresh(T0 + 7200.0 * 1000.0 + 500_000.0, 60.0));
}

#[test]
fn leeway_never_eats_more_than_half_of_a_short_token_life() {
    let token = fresh(30.0);
    assert!(token.is_fresh(T0 + 14_999.0, 60.0));
    assert!(!token.is_fresh(T0 + 15_000.0, 60.0));
}

#[test]
fn without_expires_in_there_is_no_local_expiry() {
    let token = lifetime(TokenField::Text, Seconds::Missing).unwrap();
    assert!(token.is_fresh(T0 + 1e12, 60.0));
    assert_eq!(token.expires_at_ms(), None);
}

#[test]
fn a_clock_moved_back_before_create_time_makes_the_token_not_fresh() {
    let token = lifetime(TokenField::Text, Seconds::Missing).unwrap();
    assert!(!token.is_fresh(T0 - 1.0, 60.0));
}

#[test]
fn a_token_is_fresh_at_the_instant_it_arrives_in_any_year() {
    // Found by the property tests: createTime * 1000 rounded above the arrival time from 2038.
    for now in [2_147_483_648_004.0, 4_102_444_800_123.0, T0 + 7.0] {
        let token = Lifetime::from_grant(&Grant { token: TokenField::Text, expires_in: Seconds::Missing, has_session_key: false }, now).unwrap();
        assert!(token.is_fresh(now, 60.0), "expired on arrival at {now}");
    }
}

#[test]
fn bad_tokens_and_lifetimes_from_the_server_are_exchange_failures() {
    use ExchangeProblem::*;
    let failed = |token, expires_in| lifetime(token, expires_in).unwrap_err();
    assert_eq!(failed(TokenField::Empty, Seconds::Number(7200.0)), Error::ExchangeFailed(TokenEmpty));
    assert_eq!(failed(TokenField::NotText, Seconds::Number(7200.0)), Error::ExchangeFailed(TokenNotText));
    assert_eq!(failed(TokenField::Unsendable, Seconds::Number(7200.0)), Error::ExchangeFailed(TokenUnsendable));
    for lifetime in [0.0, -1.0] {
        assert_eq!(failed(TokenField::Text, Seconds::Number(lifetime)), Error::ExchangeFailed(ExpiresInNotPositive));
    }
    for lifetime in [f64::INFINITY, 1e20] {
        assert_eq!(failed(TokenField::Text, Seconds::Number(lifetime)), Error::ExchangeFailed(ExpiresInTooLong));
    }
    assert_eq!(failed(TokenField::Text, Seconds::Number(f64::NAN)), Error::ExchangeFailed(ExpiresInNotNumber));
    // "7200" as a string is refused, not parsed.
    assert_eq!(failed(TokenField::Text, Seconds::NotNumber), Error::ExchangeFailed(ExpiresInNotNumber));
}

// ---- storage ----

#[test]
fn garbage_in_storage_restores_as_no_token_and_the_next_login_overwrites_it() {
    let garbage = [
        None,
        Some(Record { token: None, create_time_s: 1.0, expires_in: Seconds::Number(7200.0) }),
        Some(Record::new("", 1.0, 7200.0)),
        Some(Record { token: Some("t".into()), create_time_s: f64::NAN, expires_in: Seconds::Number(7200.0) }),
        Some(Record { token: Some("t".into()), create_time_s: -3.0, expires_in: Seconds::Number(7200.0) }),
        Some(Record::new("t", 1.0, -5.0)),
        Some(Record { token: Some("t".into()), create_time_s: 1.0, expires_in: Seconds::NotNumber }),
    ];
    for record in garbage {
        let mut h = Driver::new(config());
        h.storage = record.clone();
        h.ensure();
        let after = h.steps();
        assert!(after.contains(&Step::WxLogin { login: 1 }), "{record:?} was trusted");
        let after_login = h.login(1, "fresh");
        assert!(matches!(&after_login[0], Step::WriteStorage(r) if r.token.as_deref() == Some("fresh")));
    }
}

#[test]
fn a_valid_stored_token_is_used_without_logging_in() {
    let mut h = Driver::new(config());
    h.storage = Some(Record::new("kept", T0 / 1000.0 - 100.0, 7200.0));
    let id = h.request();
    let after = h.steps();
    assert_eq!(sends(&after), vec![(id, "kept".to_string())]);
    assert_eq!(count(&after, |s| matches!(s, Step::WxLogin { .. })), 0);
}

#[test]
fn an_expired_stored_token_is_reported_expired_then_replaced() {
    let mut h = Driver::new(config());
    h.storage = Some(Record::new("old", T0 / 1000.0 - 7200.0, 7200.0));
    h.ensure();
    let after = h.steps();
    assert!(after.contains(&Step::Emit(Event::Expired)));
    assert!(after.contains(&Step::WxLogin { login: 1 }));
}

#[test]
fn what_a_login_stores_restores_as_the_same_token_after_a_restart() {
    let mut h = authenticated("kept");
    let mut restarted = Driver::new(config());
    restarted.storage = h.storage.take();
    let id = restarted.request();
    assert_eq!(sends(&restarted.steps()), vec![(id, "kept".to_string())]);
}

// ---- one login for everybody ----

#[test]
fn twenty_requests_without_a_token_cause_one_login_and_are_all_sent_with_its_token() {
    let mut h = Driver::new(config());
    let ids: Vec<_> = (0..20).map(|_| h.request()).collect();
    assert_eq!(count(&h.steps(), |s| matches!(s, Step::WxLogin { .. })), 1);
    let after = h.login(1, "new");
    let sent = sends(&after);
    assert_eq!(sent.len(), 20);
    assert!(sent.iter().zip(&ids).all(|((id, token), want)| id == want && token == "new"));
    for id in ids {
        h.respond(id, 1, Outcome::Answered);
    }
    assert_eq!(count(&h.steps(), |s| matches!(s, Step::Resolve { .. })), 20);
    assert_eq!(h.unsettled(), 0);
}

#[test]
fn when_the_login_fails_every_waiting_caller_is_rejected_and_none_is_left_hanging() {
    let mut h = Driver::new(config());
    for _ in 0..5 {
        h.request();
    }
    h.ensure();
    h.steps();
    h.code(1, Err(Error::LoginFailed));
    let after = h.steps();
    assert_eq!(count(&after, |s| matches!(s, Step::Reject { error: Error::LoginFailed, .. })), 6);
    assert_eq!(h.machine.state(), State::NoToken);
    assert_eq!(h.unsettled(), 0);
}

#[test]
fn failed_logins_in_a_row_hold_the_next_one_back_and_a_success_clears_it() {
    let mut h = Driver::new(config());
    h.ensure();
    h.code(1, Err(Error::LoginFailed));
    h.steps();
    let retry = h.ensure(); // one failure: tried again at once
    assert!(h.steps().contains(&Step::WxLogin { login: 2 }));
    h.code(2, Err(Error::LoginFailed));
    h.steps();
    assert_eq!(h.callers[retry].settled, Some(Err(Error::LoginFailed)));
    let refused = h.ensure(); // two in a row: refused for a second, without wx.login
    assert_eq!(h.steps(), vec![Step::Refused { error: Error::LoginFailed }, Step::Reject { id: refused, error: Error::LoginFailed }]);
    h.now += 999.0;
    h.ensure();
    assert!(!h.steps().iter().any(|s| matches!(s, Step::WxLogin { .. })));
    h.now += 1.0;
    h.ensure();
    assert!(h.steps().contains(&Step::WxLogin { login: 3 }), "not tried again once the second passed");
    h.code(3, Err(Error::LoginFailed)); // three in a row: two seconds
    h.now += 1999.0;
    h.ensure();
    assert!(!h.steps().iter().any(|s| matches!(s, Step::WxLogin { .. })));
    h.now += 1.0;
    h.ensure();
    h.steps();
    h.login(4, "t");
    h.logout();
    h.ensure(); // after a success the count starts again
    assert!(h.steps().contains(&Step::WxLogin { login: 5 }));
}

#[test]
fn the_backoff_never_exceeds_ten_seconds() {
    let mut h = Driver::new(config());
    for login in 1..=12 {
        h.ensure();
        h.code(login, Err(Error::LoginFailed));
        h.now += 10_000.0;
    }
    h.ensure();
    assert!(h.steps().contains(&Step::WxLogin { login: 13 }));
}

#[test]
fn an_empty_code_is_a_failed_login_and_is_never_exchanged() {
    let mut h = Driver::new(config());
    h.request();
    h.steps();
    h.code(1, Ok(""));
    let after = h.steps();
    assert_eq!(count(&after, |s| matches!(s, Step::Exchange { .. })), 0);
    assert_eq!(count(&after, |s| matches!(s, Step::Reject { error: Error::LoginFailed, .. })), 1);
}

#[test]
fn a_code_is_exchanged_once_even_if_wx_answers_twice() {
    let mut h = Driver::new(config());
    h.request();
    h.steps();
    h.code(1, Ok("c"));
    h.code(1, Ok("c"));
    assert_eq!(count(&h.steps(), |s| matches!(s, Step::Exchange { .. })), 1);
}

#[test]
fn a_login_response_with_session_key_warns() {
    let mut h = Driver::new(config());
    h.request();
    h.code(1, Ok("c"));
    h.steps();
    h.exchanged(1, Ok(Answer { session_key: true, ..Answer::token("t", 7200.0) }));
    assert!(h.steps().iter().any(|s| matches!(s, Step::Emit(Event::Warning(_)))));
}

#[test]
fn a_refused_grant_fails_the_login_and_keeps_no_token() {
    let mut h = Driver::new(config());
    let id = h.request();
    h.code(1, Ok("c"));
    h.steps();
    h.exchanged(1, Ok(Answer::token("", 7200.0)));
    let error = Error::ExchangeFailed(ExchangeProblem::TokenEmpty);
    assert!(h.steps().contains(&Step::Reject { id, error }));
    assert_eq!(h.machine.state(), State::NoToken);
    assert_eq!(h.machine.token(), None);
}

// ---- 401s ----

#[test]
fn twenty_requests_that_401_at_once_cause_one_relogin_and_are_resent_with_the_new_token() {
    let mut h = authenticated("first");
    let ids: Vec<_> = (0..20).map(|_| h.request()).collect();
    h.steps();
    for &id in &ids {
        h.respond(id, 1, Outcome::Unauthorized);
    }
    let after = h.steps();
    assert_eq!(count(&after, |s| matches!(s, Step::WxLogin { .. })), 1);
    assert!(after.contains(&Step::Emit(Event::Expired)));
    let resent = sends(&h.login(2, "second"));
    assert_eq!(resent.len(), 20);
    assert!(resent.iter().all(|(_, token)| token == "second"));
}

#[test]
fn a_token_the_server_rejected_leaves_storage_before_the_relogin() {
    let mut h = authenticated("refused");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Unauthorized);
    let after = h.steps();
    let cleared = after.iter().position(|s| *s == Step::ClearStorage);
    let login = after.iter().position(|s| matches!(s, Step::WxLogin { .. }));
    assert!(cleared.is_some() && cleared < login, "{after:?}");
}

#[test]
fn a_token_that_merely_expired_stays_stored_until_replaced() {
    let mut h = authenticated("t");
    h.now += 7200.0 * 1000.0;
    h.request();
    assert!(!h.steps().contains(&Step::ClearStorage));
}

#[test]
fn a_401_for_the_current_token_during_a_login_takes_it_out_of_storage_once() {
    let mut h = authenticated("t");
    let ids: Vec<_> = (0..3).map(|_| h.sent_request()).collect();
    h.now -= 3600.0 * 1000.0; // the clock moves back: a new caller starts a re-login
    h.request();
    assert!(!h.steps().contains(&Step::ClearStorage), "a token that merely expired stays stored");
    for id in ids {
        h.respond(id, 1, Outcome::Unauthorized);
    }
    assert_eq!(count(&h.steps(), |s| *s == Step::ClearStorage), 1);
    assert_eq!(h.storage, None);
}

#[test]
fn a_newer_token_another_session_stored_is_taken_instead_of_a_relogin_and_is_not_cleared() {
    let mut h = authenticated("t1");
    let id = h.sent_request();
    // Another session on the same storage key re-logged in meanwhile.
    h.storage = Some(Record::new("t2", h.now / 1000.0, 7200.0));
    h.respond(id, 1, Outcome::Unauthorized);
    let after = h.steps();
    assert_eq!(count(&after, |s| matches!(s, Step::WxLogin { .. })), 0, "{after:?}");
    assert_eq!(sends(&after), vec![(id, "t2".to_string())]);
    assert_eq!(h.storage.as_ref().and_then(|r| r.token.as_deref()), Some("t2"), "the other session's token was cleared");
}

#[test]
fn a_401_for_an_older_token_resends_with_the_current_one_without_a_login() {
    let mut h = authenticated("first");
    let slow = h.sent_request();
    let quick = h.sent_request();
    h.respond(quick, 1, Outcome::Unauthorized);
    h.steps();
    h.login(2, "second");
    h.respond(slow, 1, Outcome::Unauthorized);
    let after = h.steps();
    assert_eq!(sends(&after), vec![(slow, "second".to_string())]);
    assert_eq!(count(&after, |s| matches!(s, Step::WxLogin { .. })), 0);
    assert_eq!(h.machine.state(), State::Authenticated);
    assert_eq!(h.token_text(), Some("second"));
}

#[test]
fn a_request_still_rejected_after_its_relogin_fails_unauthorized_instead_of_looping() {
    let mut h = authenticated("first");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Unauthorized);
    h.steps();
    h.login(2, "second");
    h.respond(id, 2, Outcome::Unauthorized);
    let after = h.steps();
    assert!(after.contains(&Step::Reject { id, error: Error::Unauthorized { relogins: 1 } }));
    assert_eq!(count(&after, |s| matches!(s, Step::WxLogin { .. } | Step::Send { .. })), 0, "it looped");
}

#[test]
fn with_max_relogins_zero_a_401_fails_at_once_and_still_drops_the_refused_token() {
    let mut h = Driver::new(Config { max_relogins: 0, ..config() });
    h.ensure();
    h.steps();
    h.login(1, "t");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Unauthorized);
    let after = h.steps();
    assert!(after.contains(&Step::Reject { id, error: Error::Unauthorized { relogins: 0 } }));
    assert!(after.contains(&Step::ClearStorage), "the refused token stayed in storage");
    assert_eq!(h.machine.state(), State::Expired);
    h.ensure();
    assert!(h.steps().contains(&Step::WxLogin { login: 2 }), "ensureLogin trusted the refused token");
}

#[test]
fn a_transport_failure_rejects_that_request_and_never_logs_in() {
    let mut h = authenticated("t");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::NoResponse);
    assert_eq!(h.steps(), vec![Step::Reject { id, error: Error::Network }]);
    assert_eq!(h.machine.state(), State::Authenticated);
}

#[test]
fn a_second_answer_for_the_same_attempt_is_ignored() {
    let mut h = authenticated("t");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Answered);
    h.respond(id, 1, Outcome::Unauthorized);
    assert_eq!(h.steps(), vec![Step::Resolve { id }]);
}

#[test]
fn a_repeated_answer_to_a_first_attempt_is_not_taken_for_the_retry() {
    // Found by the property tests: answers were matched by request only, so a callback for
    // attempt 1 that fired twice was read as the answer to attempt 2.
    let mut h = authenticated("first");
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Unauthorized);
    h.steps();
    let after = h.login(2, "second");
    assert!(after.contains(&Step::Send { id, attempt: 2, token: "second".into() }));
    h.respond(id, 1, Outcome::Unauthorized);
    assert!(h.steps().is_empty(), "the stale answer was acted on");
    h.respond(id, 2, Outcome::Answered);
    assert_eq!(h.steps(), vec![Step::Resolve { id }]);
}

// ---- local expiry ----

#[test]
fn a_token_that_expired_locally_is_replaced_before_the_request_is_sent() {
    let mut h = authenticated("old");
    h.now += (7200.0 - 60.0) * 1000.0;
    let id = h.request();
    let after = h.steps();
    assert!(sends(&after).is_empty(), "sent with an expired token");
    assert!(after.contains(&Step::Emit(Event::Expired)));
    assert_eq!(sends(&h.login(2, "new")), vec![(id, "new".to_string())]);
}

#[test]
fn after_expiry_the_state_reads_expired_without_logging_in_or_telling_anyone() {
    let mut h = authenticated("t");
    h.now += 7200.0 * 1000.0;
    assert_eq!(h.machine.state_at(h.now), State::Expired);
    assert_eq!(h.machine.state(), State::Authenticated, "reading the state changed it");
    assert_eq!(h.machine.poll_action(), None, "reading the state emitted something");
}

// ---- checkSession and verify ----

fn restored_with(config: Config) -> (Driver, Vec<Step>) {
    let mut h = Driver::new(config);
    h.storage = Some(Record::new("kept", T0 / 1000.0 - 10.0, 7200.0));
    h.ensure();
    let after = h.steps();
    (h, after)
}

#[test]
fn a_failed_check_session_replaces_the_restored_token() {
    let (mut h, after) = restored_with(Config { check_session: true, ..config() });
    assert!(after.contains(&Step::CheckSession { check: 1 }));
    assert_eq!(h.machine.state(), State::Checking);
    h.checked(1, false);
    assert!(h.steps().contains(&Step::WxLogin { login: 1 }));
}

#[test]
fn a_passed_check_session_keeps_the_token_but_401s_still_rule() {
    let (mut h, _) = restored_with(Config { check_session: true, ..config() });
    h.checked(1, true);
    assert_eq!(count(&h.steps(), |s| matches!(s, Step::Resolve { .. })), 1);
    let id = h.sent_request();
    h.respond(id, 1, Outcome::Unauthorized);
    assert!(h.steps().contains(&Step::WxLogin { login: 1 }));
}

#[test]
fn verify_decides_on_a_restored_token_after_check_session() {
    let (mut h, _) = restored_with(Config { check_session: true, verify: true, ..config() });
    h.checked(1, true);
    assert_eq!(h.steps(), vec![Step::Verify { check: 1, token: "kept".into() }]);
    h.verified(1, Verdict::Invalid);
    assert!(h.steps().contains(&Step::WxLogin { login: 1 }));
}

#[test]
fn an_unanswered_verify_keeps_the_token() {
    let (mut h, _) = restored_with(Config { verify: true, ..config() });
    h.verified(1, Verdict::Unknown);
    assert_eq!(h.machine.state(), State::Authenticated);
}

// ---- logout ----

#[test]
fn logout_during_a_login_rejects_the_waiting_and_ignores_the_late_answer() {
    let mut h = Driver::new(config());
    let id = h.request();
    h.steps();
    h.logout();
    let after = h.steps();
    assert!(after.contains(&Step::ClearStorage));
    assert!(after.contains(&Step::Reject { id, error: Error::LoggedOut }));
    h.code(1, Ok("late"));
    assert!(h.steps().is_empty());
    assert_eq!(h.machine.state(), State::NoToken);
}

#[test]
fn a_401_arriving_after_logout_fails_without_logging_in_again() {
    let mut h = authenticated("t");
    let id = h.sent_request();
    h.logout();
    h.steps();
    h.respond(id, 1, Outcome::Unauthorized);
    assert_eq!(h.steps(), vec![Step::Reject { id, error: Error::Unauthorized { relogins: 0 } }]);
}

#[test]
fn a_release_made_stale_by_a_logout_before_it_was_performed_sends_nothing() {
    // A 'login' listener that logs out runs between the login and the release of the callers
    // waiting for it: they must not go out with the logged-out token.
    let mut h = Driver::new(config());
    let id = h.request();
    h.code(1, Ok("c"));
    h.steps();
    // The exchange is taken but its actions (the Release among them) not yet performed when
    // the listener's logout comes; the model performs them all after the logout.
    let grant = Grant { token: TokenField::Text, expires_in: Seconds::Number(7200.0), has_session_key: false };
    let generation = h.machine.handle_exchanged(1, Ok(grant), h.now);
    h.token = Some(("t".into(), generation));
    h.logout();
    assert_eq!(sends(&h.steps()), vec![]);
    assert_eq!(h.callers[id].settled, Some(Err(Error::LoggedOut)));
}

#[test]
fn state_changes_are_announced_with_new_and_old() {
    let mut h = Driver::new(config());
    h.ensure();
    let after = h.steps();
    assert!(after.contains(&Step::Emit(Event::State { new: State::LoggingIn, old: State::NoToken })));
    let after = h.login(1, "t");
    assert!(after.contains(&Step::Emit(Event::State { new: State::Authenticated, old: State::LoggingIn })));
    assert!(after.contains(&Step::Emit(Event::Login)));
}

// ---- the lists JS keeps in step with Rust ----

#[cfg(not(target_arch = "wasm32"))]
fn js_list(file: &str, name: &str) -> Vec<String> {
    let source = std::fs::read_to_string(format!("{}/js/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let start = source.find(&format!("var {name} = [")).unwrap_or_else(|| panic!("no {name} in {file}"));
    let list = &source[start..];
    let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
    list.split(',').map(|item| item.trim().trim_matches('\'').to_string()).filter(|s| !s.is_empty()).collect()
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn error_codes_event_names_and_state_names_are_the_same_lists_in_rust_and_js() {
    use mp_login::core::error::CODES;
    assert_eq!(js_list("errors.js", "CODES"), CODES);
    assert_eq!(js_list("events.js", "EVENTS"), Event::NAMES);
    assert_eq!(js_list("core.js", "STATES"), State::NAMES);
    for error in [Error::LoginFailed, Error::Network, Error::Storage, Error::LoggedOut] {
        assert_eq!(CODES[error.wire().0 as usize], error.code());
    }
}
