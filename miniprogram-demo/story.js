'use strict';
// npm run demo: runs the demo's own app.js and page code in the mini-program sandbox against the
// demo server, through a scripted story, printing a transcript; exits 0 only if every check holds.
//   --style bearer|header|query|two-step   the server's login style (default bearer)
//   --serve [--port 3000]                  just run the server, for WeChat DevTools
//   --state FILE                           where the server keeps its signing secret and used
//                                          codes (default: a private per-user directory under
//                                          the temp dir; see server/state.js)

const path = require('path');
const { createDemoServer, STYLES } = require('./server/app');
const { defaultStateFile } = require('./server/state');
const { WeChatStandIn } = require('./server/wechat');
const { createFakeWx } = require('../simulator/fake-wx');
const { createSandbox } = require('../simulator/sandbox');
const { miniProgramRuntime } = require('../simulator/runtime');

function option(name, fallback) {
  const at = process.argv.indexOf('--' + name);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const style = option('style', 'bearer');
if (!STYLES.includes(style)) {
  console.error(`unknown --style ${style} (known: ${STYLES.join(', ')})`);
  process.exit(2);
}
const stateFile = option('state') || defaultStateFile();

const started = Date.now();
const mask = (token) => (token ? '…' + String(token).slice(-6) : '');
function say(kind, text) {
  const at = ((Date.now() - started) / 1000).toFixed(3).padStart(7);
  console.log(`${at}  ${kind.padEnd(6)} ${text}`);
}

// What the server saw, for the transcript and the checks.
const seen = [];
function onRequest({ method, path: where, status, body, token }) {
  const unauthorized = status === 401 || (body && body.errCode === 40001);
  seen.push({ where, unauthorized, token, step: currentStep });
  const issued = /^\/(login|oauth\/token)$/.test(where) && body && (body.token || body.access_token);
  say('http', `${method} ${where}${token ? ' [token ' + mask(token) + ']' : ''} → ${status}` +
    (unauthorized ? ' unauthorized' : '') + (issued ? ` (new token ${mask(issued)})` : ''));
}

function wechatTarget() {
  const { WX_APPID: appid, WX_SECRET: secret } = process.env;
  if (!appid || !secret) return null;
  return { baseUrl: process.env.WX_API_BASE || 'https://api.weixin.qq.com', appid, secret };
}

async function serve() {
  const wechat = wechatTarget();
  // DevTools' wx.login codes come from the real WeChat: without WX_APPID/WX_SECRET the stand-in
  // accepts them (still once each), so the demo works without an account.
  const standIn = new WeChatStandIn({ acceptUnknownCodes: !wechat });
  const server = createDemoServer({ style, stateFile, wechat, standIn, onRequest });
  const url = await server.listen(Number(option('port', 3000)));
  console.log(`mp-login demo server (${style} style) on ${url}` +
    (wechat ? ', code2Session → ' + wechat.baseUrl : ', code2Session → embedded stand-in on ' + server.wechatUrl));
  console.log(`admin token (POST /admin/revoke needs it as X-Admin-Token; new on every start): ${server.adminToken}`);
  console.log(`state file: ${server.stateFile}`);
  console.log(`
Open the demo in WeChat DevTools:
  1. 导入项目 (Import) → choose ${path.join(__dirname)}
  2. AppID: 测试号 (test account) is enough; the project already turns off domain checks
     (详情 → 本地设置 → 不校验合法域名).
  3. The demo calls ${url}; change API_BASE in miniprogram/config.js if you used --port.
  4. 工具 → 构建 npm is not needed: miniprogram_npm/ was laid out by this command.
  5. For the page's "revoke" button, set ADMIN_TOKEN in miniprogram/config.js to the admin token
     above (the server refuses the revoke without it).
Ctrl-C stops the server.`);
}

let currentStep = '';
const checks = [];
function check(what, ok) {
  checks.push(ok);
  say(ok ? 'ok' : 'FAIL', what);
}
function step(title) {
  currentStep = title;
  console.log(`\n── ${title}`);
}

async function story() {
  const standIn = new WeChatStandIn();
  const server = createDemoServer({ style, stateFile, standIn, onRequest });
  const url = await server.listen(0);
  try {
    await play(server, url, standIn);
  } finally {
    await server.close();
  }
  const failed = checks.filter((ok) => !ok).length;
  console.log(`\n${checks.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

async function play(server, url, standIn) {
  // ext config (ext.json's "ext"): where the server is, its style, and the admin token the page's
  // revoke button sends; DevTools users put the token in config.js instead.
  const fake = createFakeWx({ backend: standIn, ext: { apiBase: url, style, adminToken: server.adminToken } });
  const login = fake.wx.login;
  fake.wx.login = (options) => {
    login({
      success: (result) => { say('wx', `wx.login → code ${result.code.slice(0, 6)}…`); options.success(result); },
      fail: (error) => { say('wx', 'wx.login failed: ' + error.errMsg); options.fail(error); }
    });
  };
  const runtime = miniProgramRuntime();
  const sandbox = createSandbox({ root: path.join(__dirname, 'miniprogram'), wx: fake.wx, globals: runtime.globals });
  // The device clock, so local expiry can be shown without waiting two hours.
  sandbox.run('(function () { var real = Date.now; var offset = 0;' +
    ' Date.now = function () { return real() + offset; };' +
    ' globalThis.advanceClock = function (seconds) { offset += seconds * 1000; }; })()');
  say('demo', `server ${url}, ${style} style; running miniprogram-demo/miniprogram in the sandbox`);

  step('cold start: App.onLaunch creates the session, onShow calls start()');
  runtime.load(sandbox, ['pages/index/index']);
  const app = runtime.launch();
  const session = app.session;
  const states = [];
  session.on('state', (state, previous) => { states.push(state); say('state', `${previous} → ${state}`); });
  session.on('expired', () => say('event', 'expired'));
  session.on('login', () => say('event', `login (token ${mask(session.token)})`));
  session.on('logout', () => say('event', 'logout'));
  const page = runtime.open('pages/index/index');
  await session.start();
  const logins = () => fake.control.loginCalls;
  check('authenticated after one wx.login', session.state === 'authenticated' && logins() === 1);
  check('the page shows the state', page.data.state === 'authenticated');

  step('call the protected API');
  await page.callApi();
  check('200 with the token', page.data.log[0] === 'GET /api/profile → 200');

  step('call it 10 times at once');
  await page.callTen();
  check('10 × 200, still one login', page.data.log[0] === '10 × GET /api/profile → ' + Array(10).fill(200).join(' ') && logins() === 1);

  step('the server revokes every token, then 10 calls at once');
  await page.revoke();
  await page.callTen();
  const rejected = seen.filter((s) => s.step === currentStep && s.unauthorized).length;
  check(`${rejected} answers said unauthorized, ONE re-login followed, all 10 retried and succeeded`,
    rejected === 10 && logins() === 2 && page.data.log[0].endsWith(Array(10).fill(200).join(' ')));

  step('the device clock jumps 2 hours: the token expires locally');
  const before = session.token;
  sandbox.context.advanceClock(7200);
  await page.callApi();
  const sentThisStep = seen.filter((s) => s.step === currentStep && s.where === '/api/profile');
  check('re-login BEFORE sending: the server never saw the expired token',
    logins() === 3 && sentThisStep.length === 1 && sentThisStep[0].token !== before && states.includes('expired'));

  step('log out');
  await page.logout();
  check('state no-token, token gone from storage',
    session.state === 'no-token' && session.token === null && fake.wx.getStorageSync('mp-login:session') === '');
  check('no wx.login code was exchanged twice', standIn.reusedCodes === 0);
}

(process.argv.includes('--serve') ? serve() : story()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
