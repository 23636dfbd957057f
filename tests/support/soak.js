'use strict';
// The fault-injection soak: the built package in the sandbox, many concurrent callers, a real
// server, and faults injected at random from a seeded schedule. The seed fixes which faults
// happen and when (in requests issued); network timing still varies from run to run.
//
// Checks: no call hangs (each settles within its bound), none is lost, no wx.login code is
// exchanged twice, the token never reaches a foreign origin nor goes out as "undefined"/"null",
// and every login is accounted for: each wx.login is one visible move into 'logging-in', and
// the moves are explained by the injected faults.

const http = require('http');
const { miniProgram, startBackend } = require('./app');

// mulberry32: small, seedable, good enough to pick faults.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function closedOrigin() {
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${probe.address().port}`;
  await new Promise((resolve) => probe.close(resolve));
  return url; // nothing listens there now: connection refused
}

const CALL_BOUND_MS = 15000; // longest request timeout (1 s) + login paths + slack

async function runSoak({ seed = Date.now() % 2 ** 31, requests = 2000, concurrency = 40, log = () => {} } = {}) {
  const rand = random(seed);
  const pick = (weights) => {
    let r = rand() * weights.reduce((sum, [w]) => sum + w, 0);
    for (const [w, value] of weights) if ((r -= w) < 0) return value;
    return weights[weights.length - 1][1];
  };
  const clock = { offset: 0 };
  const mp = await miniProgram();
  const { server: foreign } = await startBackend();
  const refused = await closedOrigin();
  const faults = { revocations: 0, non_token_401: 0, clock_jumps: 0, login_outages: 0, malformed_logins: 0,
    wx_login_failures: 0, storage_failures: 0, timeouts: 0, refused: 0, slow: 0, foreign: 0,
    bursts: 0, hung_exchanges: 0, listener_logouts: 0 };
  const tally = { issued: 0, resolved: 0, rejected: {}, hung: 0 };
  const ledger = { loggingIn: 0, fromNoToken: 0, fromExpired: 0, expired: 0, loginEvents: 0 };

  const burst = { issued: 0, failed: 0 };
  const logouts = { count: 0, tokens: [] };

  try {
    const control = mp.app.control;
    const session = mp.app.createSession({
      allowedOrigins: [refused],
      exchangeTimeout: 1000,
      now: () => Date.now() + clock.offset
    });
    // A second phone-side app on the same storage: one session that may not retry a 401
    // (maxRelogins: 0) and one on the first session's storage key. Its wx is its own, so the
    // first session's login ledger stays exact.
    const other = mp.launch();
    const strict = other.createSession({ allowedOrigins: [refused], maxRelogins: 0, storageKey: 'soak:strict' });
    const sharing = other.createSession({ allowedOrigins: [refused] });
    for (const s of [strict, sharing]) { s.on('error', () => {}); s.on('warning', () => {}); }
    session.on('state', (state, previous) => {
      if (state === 'logging-in') {
        ledger.loggingIn++;
        if (previous === 'expired') ledger.fromExpired++;
        else ledger.fromNoToken++;
      }
    });
    session.on('expired', () => { ledger.expired++; });
    session.on('login', () => { ledger.loginEvents++; });
    session.on('error', () => {});
    session.on('warning', () => {});

    const server = mp.server;
    // A fault switched on stays on for a while (a few dozen requests), then is switched off.
    const windows = [];
    function window(name, on, off) {
      faults[name]++;
      on();
      windows.push({ until: tally.issued + 5 + Math.floor(rand() * 40), off });
    }
    function injectFaults() {
      for (let i = windows.length - 1; i >= 0; i--) {
        if (tally.issued >= windows[i].until) {
          windows[i].off();
          windows.splice(i, 1);
        }
      }
      const fault = pick([[948, null], [8, 'revoke'], [6, 'clock'], [6, 'outage'], [5, 'malformed'],
        [5, 'wxlogin'], [5, 'storage'], [5, 'slowlogin'], [5, 'burst'], [3, 'hungexchange'], [3, 'listenerlogout']]);
      // More requests at once than wx runs (10): the queued ones must not be failed by their guards.
      if (fault === 'burst') {
        faults.bursts++;
        for (let i = 0; i < 15; i++) {
          burst.issued++;
          session.request({ url: '/api/burst?delay=200&n=' + i, timeout: 1000 }).catch((error) => {
            if (error.code === 'NETWORK') burst.failed++;
          });
        }
      }
      // A login endpoint that answers long after exchangeTimeout: logins fail, nobody hangs.
      if (fault === 'hungexchange') {
        faults.hung_exchanges++;
        server.knobs.loginDelayMs = 3000;
        windows.push({ until: tally.issued + 10, off: () => { server.knobs.loginDelayMs = 0; } });
      }
      // A logout from inside a 'login' listener: what that login released must not go out.
      if (fault === 'listenerlogout') {
        faults.listener_logouts++;
        const off = session.on('login', () => {
          off();
          logouts.count++;
          logouts.tokens.push({ token: session.token, after: control.requests.length });
          session.logout().catch(() => {});
        });
      }
      if (fault === 'revoke') { faults.revocations++; server.revokeAll(); }
      if (fault === 'clock') {
        faults.clock_jumps++;
        clock.offset += rand() < 0.7 ? 7200 * 1000 : -(3600 * 1000); // past expiry, or backwards
      }
      if (fault === 'outage') window('login_outages', () => { server.knobs.loginStatus = 500; }, () => { server.knobs.loginStatus = 200; });
      if (fault === 'malformed') {
        const bodies = [() => ({ token: 42, expires_in: 7200 }), () => ({ token: 'x', expires_in: -1 }), () => 'not json', () => ({})];
        const body = bodies[Math.floor(rand() * bodies.length)];
        window('malformed_logins', () => { server.knobs.loginBody = body; }, () => { server.knobs.loginBody = null; });
      }
      if (fault === 'wxlogin') window('wx_login_failures', () => { control.loginFail = 'system error'; }, () => { control.loginFail = null; });
      if (fault === 'storage') window('storage_failures', () => { control.storageThrows = true; }, () => { control.storageThrows = false; });
      if (fault === 'slowlogin') {
        faults.slow++;
        server.knobs.loginDelayMs = 100 + Math.floor(rand() * 300);
        windows.push({ until: tally.issued + 20, off: () => { server.knobs.loginDelayMs = 0; } });
      }
    }

    function requestOptions() {
      const kind = pick([[80, 'plain'], [6, 'slow'], [4, 'always401'], [3, 'status'], [3, 'timeout'], [2, 'refused'], [2, 'foreign']]);
      if (kind === 'slow') { faults.slow++; return { url: '/api/slow?delay=' + Math.floor(50 + rand() * 400) }; }
      if (kind === 'always401') { faults.non_token_401++; return { url: '/api/always401' }; }
      if (kind === 'status') return { url: '/api/status/' + (rand() < 0.5 ? 500 : 404) };
      if (kind === 'timeout') { faults.timeouts++; return { url: '/api/slow?delay=800', timeout: 100 }; }
      if (kind === 'refused') { faults.refused++; return { url: refused + '/api/x', timeout: 1000 }; }
      if (kind === 'foreign') { faults.foreign++; return { url: foreign.url + '/api/x' }; }
      return { url: '/api/item?n=' + tally.issued };
    }

    function bounded(promise) {
      let timer;
      const bound = new Promise((resolve) => { timer = setTimeout(() => resolve('hung'), CALL_BOUND_MS); });
      return Promise.race([promise.then(() => 'resolved', (error) => error), bound]).finally(() => clearTimeout(timer));
    }

    async function caller() {
      while (tally.issued < requests) {
        injectFaults();
        tally.issued++;
        const which = rand();
        const target = which < 0.9 ? session : which < 0.95 ? strict : sharing;
        const outcome = await bounded(target.request(requestOptions()));
        if (outcome === 'hung') tally.hung++;
        else if (outcome === 'resolved') tally.resolved++;
        else {
          const code = outcome && outcome.code ? outcome.code : 'NOT_A_LOGIN_ERROR';
          tally.rejected[code] = (tally.rejected[code] || 0) + 1;
        }
        if (tally.issued % 1000 === 0) log(`  ${tally.issued} requests issued`);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, caller));
    windows.forEach((w) => w.off());

    const rejectedTotal = Object.values(tally.rejected).reduce((a, b) => a + b, 0);
    const leaked = foreign.log.requests.filter((r) => r.token !== null).length;
    const badHeaders = control.requests.filter((r) => {
      const key = Object.keys(r.header).find((k) => k.toLowerCase() === 'authorization');
      return key !== undefined && !/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(r.header[key]);
    }).length;
    const failedLogins = ledger.loggingIn - ledger.loginEvents - (session.state === 'logging-in' ? 1 : 0);
    // Wait for the bursts still in flight before counting them.
    const deadline = Date.now() + CALL_BOUND_MS;
    while (control.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const sentAfterLogout = logouts.tokens.filter(({ token, after }) => token && control.requests.slice(after).some((r) => {
      const key = Object.keys(r.header).find((k) => k.toLowerCase() === 'authorization');
      return key !== undefined && r.header[key] === 'Bearer ' + token;
    })).length;
    const report = {
      seed, requests, concurrency, faults, tally, ledger,
      wxLoginCalls: control.loginCalls,
      exchangesAtServer: server.log.loginAttempts,
      reusedCodes: mp.backend.reusedCodes,
      tokensToForeignOrigin: leaked,
      malformedAuthHeaders: badHeaders,
      failedLogins,
      burst,
      logouts: logouts.count,
      sentAfterLogout
    };
    report.problems = [];
    const expect = (ok, problem) => { if (!ok) report.problems.push(problem); };
    expect(tally.hung === 0, `${tally.hung} calls did not settle within ${CALL_BOUND_MS} ms`);
    expect(tally.resolved + rejectedTotal + tally.hung === requests, 'calls were lost: ' + JSON.stringify(tally));
    expect(!tally.rejected.NOT_A_LOGIN_ERROR, 'a call rejected with something other than a LoginError');
    expect(report.reusedCodes === 0, `${report.reusedCodes} wx.login codes were exchanged twice`);
    expect(leaked === 0, `the token went to a foreign origin ${leaked} times`);
    expect(badHeaders === 0, `${badHeaders} requests carried a malformed Authorization header`);
    expect(control.loginCalls === ledger.loggingIn, `wx.login ran ${control.loginCalls} times but the session moved to logging-in ${ledger.loggingIn} times`);
    expect(ledger.fromExpired <= ledger.expired, 'a re-login came from nowhere');
    // Every 'expired' is a revocation noticed (at most once per revocation... or per non-token
    // 401, which a 401 for the current token is indistinguishable from), or a clock jump.
    const expiryCauses = faults.revocations + faults.non_token_401 + faults.clock_jumps;
    expect(ledger.expired <= expiryCauses, `${ledger.expired} expiries but only ${expiryCauses} faults that can cause one`);
    // A login from no token happens first, and again only after a login failed.
    expect(ledger.fromNoToken <= 1 + Math.max(0, failedLogins) + logouts.count,
      `${ledger.fromNoToken} logins from no token after ${failedLogins} failed logins and ${logouts.count} logouts`);
    expect(burst.failed === 0, `${burst.failed} of ${burst.issued} burst requests were failed while wx still queued them`);
    expect(sentAfterLogout === 0, `${sentAfterLogout} logged-out tokens were sent after their logout`);
    return report;
  } finally {
    await Promise.all([mp.close(), foreign.close()]);
  }
}

module.exports = { runSoak };
