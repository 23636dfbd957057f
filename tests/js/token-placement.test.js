'use strict';
// The token goes only to baseUrl's origin (and allowedOrigins), where the config says, and is
// never sent as "undefined"/"null" nor written into an error message.
const test = require('node:test');
const assert = require('node:assert/strict');
const { withMiniProgram, startBackend } = require('../support/app');

function sentTokens(control) {
  return control.requests.map((r) => {
    const key = Object.keys(r.header).find((k) => k.toLowerCase() === 'authorization');
    return key ? r.header[key] : null;
  });
}

test('the token never goes to a foreign origin, and goes to allowedOrigins', withMiniProgram(async (mp) => {
  const { server: foreign } = await startBackend();
  try {
    const session = mp.app.createSession();
    await session.start();
    const response = await session.request({ url: foreign.url + '/api/a' });
    assert.equal(response.statusCode, 401, 'the foreign server should see no token');
    assert.equal(foreign.log.requests[0].token, null);
    assert.equal(mp.server.log.logins, 1, 'a foreign 401 must not cost a login');
    const trusting = mp.launch().createSession({ allowedOrigins: [foreign.url] });
    await trusting.start();
    await trusting.request({ url: foreign.url + '/verify' }); // records the token, always 200
    assert.equal(foreign.log.requests[1].token, trusting.token);
  } finally {
    await foreign.close();
  }
}));

test('a lookalike origin (other port, userinfo, other scheme) gets no token', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const port = Number(new URL(mp.server.url).port);
  const lookalikes = [`http://127.0.0.1:${port + 1}/x`, `http://evil@127.0.0.1:${port}/x`, `https://127.0.0.1:${port}/x`];
  for (const url of lookalikes) {
    await session.request({ url, timeout: 200 }).catch(() => {});
  }
  const sent = mp.app.control.requests.slice(-3);
  assert.deepEqual(sent.map((r) => Object.keys(r.header).length), [0, 0, 0]);
}));

test('auth: false sends a request without the token and never re-logs in for it', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const response = await session.request({ url: '/api/a', auth: false });
  assert.equal(response.statusCode, 401);
  assert.equal(mp.server.log.logins, 1);
  assert.equal(mp.server.log.requests.at(-1).token, null);
}));

test('tokenHeader with an empty scheme sends the bare token, replacing the caller\'s header in any case', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({ tokenHeader: 'token', tokenScheme: '' });
  await session.start();
  const response = await session.request({ url: '/api/a', header: { TOKEN: 'stale', 'X-Other': '1' } });
  assert.equal(response.statusCode, 200);
  const sent = mp.app.control.requests.at(-1).header;
  assert.deepEqual(sent, { 'X-Other': '1', token: session.token });
}, { style: 'header' }));

test('tokenQuery sends the token as a query parameter instead of a header', withMiniProgram(async (mp) => {
  const session = mp.app.createSession({ tokenQuery: 'token' });
  await session.start();
  const response = await session.request({ url: '/api/a?x=1#frag' });
  assert.equal(response.statusCode, 200);
  const sent = mp.app.control.requests.at(-1);
  assert.ok(sent.url.endsWith('/api/a?x=1&token=' + encodeURIComponent(session.token) + '#frag'), sent.url);
  assert.equal(Object.keys(sent.header).length, 0);
}, { style: 'query' }));

test('no request ever carries "undefined" or "null" as a token, through logins, 401s and failures', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await Promise.all([session.request({ url: '/api/a' }), session.request({ url: '/api/b' })]);
  mp.server.revokeAll();
  await session.request({ url: '/api/c' });
  await session.request({ url: '/api/always401' }).catch(() => {});
  mp.server.knobs.loginStatus = 500;
  mp.server.revokeAll();
  await session.request({ url: '/api/d' }).catch(() => {});
  for (const header of sentTokens(mp.app.control)) {
    assert.ok(header === null || /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(header), 'sent ' + header);
  }
}));

test('error messages never contain the token', withMiniProgram(async (mp) => {
  const session = mp.app.createSession();
  await session.start();
  const token = session.token;
  const errors = [];
  errors.push(await session.request({ url: '/api/always401' }).catch((e) => e));
  errors.push(await session.request({ url: '/api/slow?delay=500', timeout: 20 }).catch((e) => e));
  for (const error of errors) {
    assert.ok(error && error.code, 'expected a LoginError');
    assert.ok(!String(error.message).includes(token) && !String(error.stack).includes(token));
  }
}));

test('inherited options (a polluted Object.prototype) are ignored: the token stays where the own options put it', withMiniProgram(async (mp) => {
  const { server: evil } = await startBackend();
  const polluted = { allowedOrigins: [evil.url], tokenQuery: 'leak', verify: { url: evil.url + '/verify' }, checkSession: false };
  try {
    for (const [key, value] of Object.entries(polluted)) Object.prototype[key] = value; // eslint-disable-line no-extend-native
    const session = mp.app.createSession();
    await session.start();
    await session.request({ url: evil.url + '/api/x' });
    assert.equal(session.state, 'authenticated');
  } finally {
    for (const key of Object.keys(polluted)) delete Object.prototype[key];
    await evil.close();
  }
  assert.deepEqual(evil.log.requests.map((r) => r.token), [null], 'the token went to the inherited origin');
  const sent = mp.app.control.requests.filter((r) => r.url.startsWith(mp.server.url + '/api/') || r.url.includes('/verify'));
  assert.ok(sent.every((r) => !r.url.includes('leak=')), 'the inherited tokenQuery was used');
}));
