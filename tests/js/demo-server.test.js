'use strict';
// The demo server: every login style end to end through the sandbox, hostile input answered with
// a 4xx, tokens that survive a restart, and code2Session going where it is told.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { createDemoServer, STYLES } = require('../../miniprogram-demo/server/app');
const { WeChatStandIn } = require('../../miniprogram-demo/server/wechat');
const { sessionOptions } = require('../../miniprogram-demo/miniprogram/config');
const { createFakeWx } = require('../../simulator/fake-wx');
const { createSandbox, miniprogramRoot } = require('../../simulator/sandbox');

const story = path.resolve(__dirname, '../../miniprogram-demo/story.js');
const stateFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-state-')), 'state.json');

async function demoServer(options = {}) {
  const standIn = options.standIn || new WeChatStandIn();
  const server = createDemoServer(Object.assign({ stateFile: stateFile(), standIn }, options));
  await server.listen(0);
  return { server, standIn };
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, data: await response.json() };
}

for (const style of STYLES) {
  test(`the ${style} style: the demo story passes through the sandbox over real HTTP`, () => new Promise((resolve, reject) => {
    execFile(process.execPath, [story, '--style', style, '--state', stateFile()], { timeout: 60000 }, (error, stdout) => {
      try {
        assert.equal(error, null, stdout);
        assert.match(stdout, /\n8 passed, 0 failed\n/);
        resolve();
      } catch (failure) {
        reject(failure);
      }
    });
  }));
}

test('the header style: verify catches a revoked restored token before any API call', async () => {
  const { server, standIn } = await demoServer({ style: 'header' });
  const storage = new Map();
  const root = miniprogramRoot();
  const launch = () => {
    const { wx, control } = createFakeWx({ backend: standIn, storage });
    const sandbox = createSandbox({ root, wx });
    return { control, session: sandbox.require('mp-login').createSession(sessionOptions('header', server.url)) };
  };
  try {
    const first = launch();
    await first.session.start();
    await post(server.url + '/admin/revoke', '');
    const second = launch();
    const response = await second.session.request({ url: '/api/profile' });
    assert.equal(response.statusCode, 200);
    assert.equal(typeof response.data.openid, 'string');
    assert.equal(second.control.loginCalls, 1);
  } finally {
    await server.close();
  }
});

test('bad input to the server gets a clear 4xx and the server keeps serving', async () => {
  const { server, standIn } = await demoServer();
  try {
    const login = server.url + '/login';
    assert.deepEqual(await post(login, ''), { status: 400, data: { errcode: 41008, errmsg: 'missing code' } });
    assert.equal((await post(login, '{"code": ')).status, 400);
    assert.equal((await post(login, '[1,2]')).status, 400);
    assert.equal((await post(login, 'null')).status, 400);
    assert.equal((await post(login, JSON.stringify({ code: 42 }))).status, 400);
    assert.equal((await post(login, JSON.stringify({ code: 'x'.repeat(10000) }))).status, 400);
    for (const size of [20000, 1024 * 1024]) {
      const huge = await post(login, 'x'.repeat(size));
      assert.equal(huge.status, 413, 'a ' + size + '-byte body');
      assert.match(huge.data.errmsg, /larger than 16384 bytes/);
    }
    assert.equal((await post(login, JSON.stringify({ code: 'never-issued' }))).data.errcode, 40029);
    const code = standIn.issueCode();
    assert.equal((await post(login, JSON.stringify({ code }))).status, 200);
    assert.deepEqual(await post(login, JSON.stringify({ code })), { status: 400, data: { errcode: 40163, errmsg: 'code been used' } });
    assert.equal((await fetch(server.url + '/nope')).status, 404);
    assert.equal((await fetch(server.url + '/api/profile')).status, 401);
    assert.equal((await fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer a.b.c' } })).status, 401);
    assert.equal((await post(login, JSON.stringify({ code: standIn.issueCode() }))).status, 200, 'server died');
  } finally {
    await server.close();
  }
});

test('a restarted server accepts the tokens it issued, and a revocation outlives the restart', async () => {
  const file = stateFile();
  const standIn = new WeChatStandIn();
  const issue = async (server) => (await post(server.url + '/login', JSON.stringify({ code: standIn.issueCode() }))).data.token;
  const profile = (server, token) => fetch(server.url + '/api/profile', { headers: { authorization: 'Bearer ' + token } }).then((r) => r.status);
  const first = (await demoServer({ stateFile: file, standIn })).server;
  const token = await issue(first);
  await first.close();
  const second = (await demoServer({ stateFile: file, standIn })).server;
  assert.equal(await profile(second, token), 200);
  await post(second.url + '/admin/revoke', '');
  await second.close();
  const third = (await demoServer({ stateFile: file, standIn })).server;
  try {
    assert.equal(await profile(third, token), 401);
  } finally {
    await third.close();
  }
});

test('with an appid and secret, code2Session goes to the configured WeChat base URL', async () => {
  const wechat = new WeChatStandIn({ appid: 'wxrealappid', secret: 'real-secret' });
  const weixin = (await demoServer({ standIn: wechat })).server;     // plays api.weixin.qq.com
  const right = (await demoServer({ wechat: { baseUrl: weixin.url, appid: 'wxrealappid', secret: 'real-secret' } })).server;
  const wrong = (await demoServer({ wechat: { baseUrl: weixin.url, appid: 'wxrealappid', secret: 'leaked' } })).server;
  try {
    const ok = await post(right.url + '/login', JSON.stringify({ code: wechat.issueCode() }));
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.data.token, 'string');
    assert.equal(ok.data.session_key, undefined, 'session_key must stay on the server');
    const denied = await post(wrong.url + '/login', JSON.stringify({ code: wechat.issueCode() }));
    assert.deepEqual(denied, { status: 400, data: { errcode: 40125, errmsg: 'invalid appsecret' } });
  } finally {
    await Promise.all([weixin.close(), right.close(), wrong.close()]);
  }
});
