'use strict';
// npm run test:consumer: the path a user's copy of mp-login takes, with WeChat's own tools, and
// no network. After `npm run build`:
//   npm pack → a fresh mini-program project made from miniprogram-demo in a temp dir →
//   npm install <tarball> (offline) in its miniprogramRoot → miniprogram-ci packNpm ("构建 npm") →
//   analyseCode (zero errors in miniprogram_npm/mp-login) → getCompiledResult with es6, enhance
//   and minify → the COMPILED output run in the simulator against the demo server: log in,
//   20 concurrent requests (one login), a revocation with one re-login, logout.
//
// No network, two layers (see README "The consumer test"):
//   - every Node process and worker thread of the run (this one, npm, miniprogram-ci's compiler
//     processes) preloads ./no-network.js, which refuses and records any connection, DNS query or
//     datagram to anything but loopback; ONE recorded attempt fails the test;
//   - where the kernel allows it (`unshare --net`, as root or with user namespaces) the whole run
//     is in a network namespace of its own with only loopback up, so even a non-Node helper
//     cannot reach out (such an attempt fails without being recorded).
// miniprogram-ci asks WeChat's server for its list of allowed file extensions on every compile,
// with no option to skip it, and falls back to a built-in list when the request fails. It is
// pointed at a refusing proxy on loopback (`ci.proxy`, miniprogram-ci's own setting): the
// request never leaves the machine, it is listed in the output, and the fallback list is used.
//
// This file is the launcher (no argument) and the test (`--inner`, started by the launcher).

const { spawnSync, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const BLOCKER = path.join(__dirname, 'no-network.js');
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy',
  'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_http_proxy'];

if (process.argv[2] === '--inner') {
  inner().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  launch();
}

// ── the launcher: arms the blocker for every process to come, picks the isolation, runs --inner
function launch() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-login-consumer-'));
  const netLog = path.join(work, 'network.jsonl');
  fs.writeFileSync(netLog, '');
  const env = Object.assign({}, process.env, {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${JSON.stringify(BLOCKER)}`.trim(),
    MP_LOGIN_NET_LOG: netLog,
    MP_LOGIN_CONSUMER_WORK: work,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false'
  });
  for (const name of PROXY_VARS) delete env[name];

  const node = [process.execPath, __filename, '--inner'];
  const isolated = netnsCommand(node);
  env.MP_LOGIN_CONSUMER_NETNS = isolated ? 'yes' : process.env.MP_LOGIN_NETNS === '0' ? 'off' : 'unavailable';
  const [command, ...args] = isolated || node;
  const result = spawnSync(command, args, { env, stdio: 'inherit' });
  // The test judges the log itself; this catches what it could not (it crashed, or a process
  // outlived it).
  const attempts = fs.readFileSync(netLog, 'utf8').split('\n').filter((line) => line && !line.includes('"kind":"armed"'));
  if (attempts.length) console.log(`network attempts (refused):\n  ${attempts.join('\n  ')}`);
  const status = result.status === 0 && attempts.length === 0 ? 0 : 1;
  const keep = process.env.MP_LOGIN_CONSUMER_KEEP === '1';
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`(kept ${work})`);
  process.exit(status);
}

// `unshare --net` with loopback up, when this machine allows it (MP_LOGIN_NETNS=0 turns it off).
function netnsCommand(node) {
  if (process.env.MP_LOGIN_NETNS === '0' || process.platform !== 'linux') return null;
  const unshare = ['unshare', '--net'].concat(process.getuid && process.getuid() === 0 ? [] : ['--map-root-user']);
  const up = 'ip link set lo up && exec "$@"';
  const probe = spawnSync(unshare[0], unshare.slice(1).concat(['sh', '-c', up, 'sh', 'true']), { stdio: 'ignore' });
  return probe.status === 0 ? unshare.concat(['sh', '-c', up, 'sh'], node) : null;
}

// ── the test ────────────────────────────────────────────────────────────────────────────────
const results = [];
const started = Date.now();
function check(what, ok, detail) {
  results.push(!!ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${!ok && detail !== undefined ? '\n        ' + detail : ''}`);
}
function phase(title) {
  console.log(`\n── ${title}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

// miniprogram-ci talks a lot; its output is kept and shown only when a step throws.
async function quietly(what, fn) {
  const kept = [];
  const saved = {};
  for (const name of ['log', 'info', 'warn', 'error', 'debug']) {
    saved[name] = console[name];
    console[name] = (...args) => kept.push(args.map(String).join(' '));
  }
  try {
    return await fn();
  } catch (error) {
    Object.assign(console, saved);
    console.log(`miniprogram-ci output during ${what}:\n  ` + kept.join('\n  '));
    throw error;
  } finally {
    Object.assign(console, saved);
  }
}

function npm(args, cwd) {
  return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm',
    args.concat(['--offline', '--no-audit', '--no-fund', '--loglevel=error']),
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const sameBytes = (a, b) => fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));

async function inner() {
  const work = process.env.MP_LOGIN_CONSUMER_WORK;
  const netLog = process.env.MP_LOGIN_NET_LOG;
  if (!work || !netLog || !require.cache[BLOCKER]) throw new Error('run through `npm run test:consumer` (the launcher arms the network blocker)');
  const deadline = setTimeout(() => {
    console.error('consumer test: still running after 5 minutes, giving up');
    process.exit(1);
  }, 5 * 60 * 1000);
  deadline.unref();

  const netns = {
    yes: ' + a network namespace with only loopback',
    off: ' (network namespace turned off: MP_LOGIN_NETNS=0)',
    unavailable: ' (no network namespace: `unshare --net` is not allowed here)'
  }[process.env.MP_LOGIN_CONSUMER_NETNS];
  console.log(`consumer test in ${work}\nno network: Node-level blocker in every process${netns}`);

  const sink = await refusingProxy();
  let server = null;
  try {
    const { tarball, distFiles } = pack(work);
    const { projectDir, mpRoot } = makeProject(work, tarball);
    const ci = await quietly('loading miniprogram-ci', () => {
      const loaded = require('miniprogram-ci');
      loaded.proxy(sink.url);
      return loaded;
    });
    // A throwaway appid and upload key (nothing is uploaded: the key only has to exist); `attr`
    // as a function gives the project's attributes without the signed request to WeChat that
    // miniprogram-ci would make for them.
    const privateKeyPath = path.join(work, 'private.throwaway.key');
    const { privateKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' }
    });
    fs.writeFileSync(privateKeyPath, privateKey, { mode: 0o600 });
    const ciProject = new ci.Project({
      appid: 'wx' + crypto.randomBytes(8).toString('hex'),
      type: 'miniProgram',
      projectPath: projectDir,
      privateKeyPath,
      attr: async () => ci.DefaultProjectAttr
    });

    await buildNpm(ci, ciProject, mpRoot, distFiles);
    await analyse(ci, ciProject, mpRoot);
    const compiled = await compile(ci, ciProject, work, mpRoot);
    server = await runCompiled(compiled);
  } finally {
    if (server) await server.close();
    await sink.close();
  }
  networkVerdict(netLog, sink);

  const failed = results.filter((ok) => !ok).length;
  console.log(`\nconsumer test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  // miniprogram-ci's forked compiler keeps this process alive: exit explicitly (it exits with us).
  process.exit(failed ? 1 : 0);
}

// npm pack → the tarball users would install.
function pack(work) {
  phase('npm pack');
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], REPO));
  const tarball = path.join(work, info.filename);
  const files = info.files.map((f) => f.path).sort();
  const distFiles = fs.readdirSync(path.join(REPO, 'miniprogram_dist')).sort(); // index.js, the .wasm.br, index.d.ts
  check(`${info.filename}: ${files.join(', ')}`,
    fs.existsSync(tarball) && distFiles.every((f) => files.includes('miniprogram_dist/' + f)) && files.includes('node.js'));
  return { tarball, distFiles };
}

// miniprogram-demo as a fresh project: its miniprogram/ without the miniprogram_npm that
// `npm run demo` lays out, a package.json of its own, the tarball installed into it.
function makeProject(work, tarball) {
  phase('a fresh mini program from miniprogram-demo, npm install <tarball>');
  const projectDir = path.join(work, 'project');
  const demo = path.join(REPO, 'miniprogram-demo');
  const config = JSON.parse(fs.readFileSync(path.join(demo, 'project.config.json'), 'utf8'));
  const mpRoot = path.join(projectDir, config.miniprogramRoot || '');
  fs.mkdirSync(projectDir, { recursive: true });
  fs.writeFileSync(path.join(projectDir, 'project.config.json'), JSON.stringify(config, null, 2));
  fs.cpSync(path.join(demo, 'miniprogram'), mpRoot, {
    recursive: true,
    filter: (from) => !/(^|[\\/])(miniprogram_npm|node_modules)$/.test(from)
  });
  fs.writeFileSync(path.join(mpRoot, 'package.json'), JSON.stringify({ name: 'mp-login-consumer', version: '1.0.0', private: true }, null, 2));
  npm(['install', tarball], mpRoot);
  const installed = JSON.parse(fs.readFileSync(path.join(mpRoot, 'node_modules/mp-login/package.json'), 'utf8'));
  const own = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  check(`installed offline: node_modules/mp-login ${installed.version}, "miniprogram": "${installed.miniprogram}"`,
    installed.version === own.version && installed.miniprogram === own.miniprogram);
  return { projectDir, mpRoot };
}

// packNpm: DevTools' 构建 npm.
async function buildNpm(ci, ciProject, mpRoot, distFiles) {
  phase('miniprogram-ci packNpm (构建 npm)');
  const warnings = await quietly('packNpm', () => ci.packNpm(ciProject, { reporter: () => {} }));
  const built = path.join(mpRoot, 'miniprogram_npm/mp-login');
  const installed = path.join(mpRoot, 'node_modules/mp-login/miniprogram_dist');
  check('packNpm: no warnings', warnings.length === 0, JSON.stringify(warnings));
  check(`miniprogram_npm/mp-login holds ${distFiles.join(', ')}, copied as shipped`,
    distFiles.every((f) => sameBytes(path.join(built, f), path.join(installed, f))), fs.existsSync(built) ? fs.readdirSync(built) : 'missing');
  check('the Node entry (node.js) stays out of the mini program', !fs.existsSync(path.join(built, 'node.js')));
}

// Issue 13, point 2: WeChat's static analysis finds nothing to object to in our package. A control
// run, with the two patterns it used to flag appended to the built file (and removed again before
// the compile), shows that the check can fail.
async function analyse(ci, ciProject, mpRoot) {
  phase('miniprogram-ci analyseCode');
  const shipped = path.join(mpRoot, 'miniprogram_npm/mp-login/index.js');
  const patterns = requirePatterns(fs.readFileSync(shipped, 'utf8'));
  check('what ships has no require(<expression>) and no typeof require', patterns.length === 0, patterns.join('; '));

  const ours = (result) => result.modules.filter((m) => m.path.startsWith('miniprogram_npm/mp-login/'));
  const problems = (modules) => modules.flatMap((m) => (m.errors || []).concat(m.buildError ? [m.buildError] : []).map((e) => `${m.path}: ${e}`));
  const result = await quietly('analyseCode', () => ci.analyseCode(ciProject, { silent: true }));
  const analysed = ours(result);
  const errors = problems(analysed);
  check(`analyseCode: 0 errors in miniprogram_npm/mp-login (${analysed.map((m) => m.path).join(', ')} analysed)`,
    analysed.length > 0 && errors.length === 0, errors.join('\n        '));
  const elsewhere = problems(result.modules).length - errors.length;
  const warnings = analysed.flatMap((m) => m.warnings || []);
  console.log(`      (warnings in mp-login: ${warnings.length}${warnings.length ? ': ' + warnings.join('; ') : ''}; errors elsewhere in the demo project: ${elsewhere})`);

  const original = fs.readFileSync(shipped);
  try {
    fs.appendFileSync(shipped, '\n;if(typeof require==="function"){var m="fs";require(m)}\n');
    const control = problems(ours(await quietly('analyseCode (control)', () => ci.analyseCode(ciProject, { silent: true }))));
    check(`control: with require(m) and typeof require appended, analyseCode reports ${control.length} error(s)`, control.length > 0);
    for (const error of control) console.log(`      ${error.split('\n')[0].slice(0, 150)}`);
  } finally {
    fs.writeFileSync(shipped, original);
  }
}

// Calls of `require` with anything but a string literal, and `typeof require`, in a script.
function requirePatterns(source) {
  const acorn = require('acorn');
  const found = [];
  (function walk(node) {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' &&
      !(node.arguments.length === 1 && node.arguments[0].type === 'Literal' && typeof node.arguments[0].value === 'string')) {
      found.push('require(<expression>) at ' + node.start);
    }
    if (node.type === 'UnaryExpression' && node.operator === 'typeof' && node.argument.type === 'Identifier' && node.argument.name === 'require') {
      found.push('typeof require at ' + node.start);
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value.type === 'string') walk(value);
    }
  })(acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' }));
  return found;
}

// getCompiledResult: WeChat's compiler, locally, as DevTools compiles for upload.
async function compile(ci, ciProject, work, mpRoot) {
  phase('miniprogram-ci getCompiledResult (es6 + enhance + minify)');
  const t0 = Date.now();
  const files = await quietly('getCompiledResult', () => ci.getCompiledResult({
    project: ciProject,
    setting: { es6: true, enhance: true, minify: true }
  }));
  const out = path.join(work, 'compiled');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(out, name);
    if (!file.startsWith(out + path.sep)) throw new Error('compiled file outside the output: ' + name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  console.log(`      ${Object.keys(files).length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const pkg = path.join(out, 'miniprogram_npm/mp-login');
  const source = path.join(mpRoot, 'miniprogram_npm/mp-login'); // what packNpm laid out
  check('compiled: app.js, the page, mp-login/index.js; mp_login.wasm.br kept byte for byte; index.d.ts dropped',
    ['app.js', 'pages/index/index.js', 'miniprogram_npm/mp-login/index.js'].every((f) => fs.existsSync(path.join(out, f))) &&
    sameBytes(path.join(pkg, 'mp_login.wasm.br'), path.join(source, 'mp_login.wasm.br')) && !fs.existsSync(path.join(pkg, 'index.d.ts')),
    Object.keys(files).join(', '));
  const compiledJs = fs.readFileSync(path.join(pkg, 'index.js'), 'utf8');
  let es5 = true;
  try {
    require('acorn').parse(compiledJs, { ecmaVersion: 5, sourceType: 'script' });
  } catch (error) {
    es5 = error.message;
  }
  check('compiled mp-login/index.js is ES5 (it is the compiler\'s output, not our file)',
    es5 === true && compiledJs !== fs.readFileSync(path.join(source, 'index.js'), 'utf8'), es5);
  const helpers = [...compiledJs.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  const patterns = requirePatterns(compiledJs);
  check(`its ${helpers.length} require()s are the compiler's Babel helpers, all in the output; no require(<expression>), no typeof require`,
    patterns.length === 0 && helpers.every((h) => h.startsWith('../../@babel/runtime/helpers/') && fs.existsSync(path.join(pkg, h + '.js'))),
    helpers.concat(patterns).join(', '));
  return out;
}

// The compiled app in the sandbox: its app.js and page, against the demo server on loopback.
async function runCompiled(root) {
  phase('the compiled mini program in the simulator, against the demo server');
  const { createDemoServer } = require(path.join(REPO, 'miniprogram-demo/server/app'));
  const { WeChatStandIn } = require(path.join(REPO, 'miniprogram-demo/server/wechat'));
  const { createFakeWx } = require(path.join(REPO, 'simulator/fake-wx'));
  const { createSandbox } = require(path.join(REPO, 'simulator/sandbox'));
  const { miniProgramRuntime } = require(path.join(REPO, 'simulator/runtime'));

  const seen = [];
  const standIn = new WeChatStandIn();
  const server = createDemoServer({
    style: 'bearer',
    standIn,
    onRequest: ({ method, path: where, status, token }) => seen.push({ method, where, status, token })
  });
  const url = await server.listen(0);
  // ext config, as `npm run demo` gives it: the server, its style, the admin token for revoke.
  const fake = createFakeWx({ backend: standIn, ext: { apiBase: url, style: 'bearer', adminToken: server.adminToken } });
  const runtime = miniProgramRuntime();
  const sandbox = createSandbox({ root, wx: fake.wx, globals: runtime.globals });
  const logins = () => fake.control.loginCalls;
  const since = (mark) => seen.slice(mark);
  const profileCalls = (list) => list.filter((s) => s.where === '/api/profile');

  runtime.load(sandbox, ['pages/index/index']);
  const app = runtime.launch(); // onLaunch creates the session, onShow calls start()
  const session = app.session;
  const page = runtime.open('pages/index/index');
  await session.start();
  check(`log in: authenticated after one wx.login, the wasm read from the compiled package (${sandbox.wasm.loaded.join(', ')})`,
    session.state === 'authenticated' && logins() === 1 && page.data.state === 'authenticated' &&
    sandbox.wasm.loaded.length === 1 && sandbox.wasm.loaded[0] === '/miniprogram_npm/mp-login/mp_login.wasm.br');

  let mark = seen.length;
  const token = session.token;
  let answers = await Promise.all(Array.from({ length: 20 }, () => session.request({ url: '/api/profile' })));
  let sent = profileCalls(since(mark));
  check('20 concurrent requests: 20 × 200 with the one token, still one login',
    answers.every((res) => res.statusCode === 200) && sent.length === 20 && sent.every((s) => s.token === token) &&
    logins() === 1 && since(mark).every((s) => s.where !== '/login'),
    `statuses ${answers.map((res) => res.statusCode).join(' ')}; logins ${logins()}`);

  await page.revoke(); // POST /admin/revoke with the admin token, as the page's button sends it
  check('the server revoked every token (the page\'s revoke, with the admin token)', page.data.log[0] === 'server: every token revoked', page.data.log[0]);
  mark = seen.length;
  answers = await Promise.all(Array.from({ length: 20 }, () => session.request({ url: '/api/profile' })));
  sent = profileCalls(since(mark));
  const refused = sent.filter((s) => s.status === 401);
  check('after the revocation, 20 concurrent requests: 20 × 401, ONE re-login, all 20 retried → 200',
    answers.every((res) => res.statusCode === 200) && refused.length === 20 && refused.every((s) => s.token === token) &&
    logins() === 2 && since(mark).filter((s) => s.where === '/login').length === 1 &&
    sent.filter((s) => s.status === 200).length === 20 && session.token !== token,
    `statuses ${answers.map((res) => res.statusCode).join(' ')}; 401s ${refused.length}; logins ${logins()}`);

  await page.logout();
  check('logout: state no-token, no token, nothing in storage',
    session.state === 'no-token' && session.token === null && fake.wx.getStorageSync('mp-login:session') === '' &&
    page.data.log[0] === 'logged out');
  check('no wx.login code was exchanged twice', standIn.reusedCodes === 0);
  return server;
}

// A proxy on loopback that refuses everything and remembers what it was asked for.
function refusingProxy() {
  const http = require('http');
  const asked = [];
  const proxy = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(403, { Connection: 'close' }).end();
  });
  proxy.on('connect', (req, socket) => {
    asked.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${proxy.address().port}`,
    asked,
    close: () => new Promise((done) => { proxy.closeAllConnections(); proxy.close(done); })
  })));
}

function networkVerdict(netLog, sink) {
  phase('network');
  const lines = fs.readFileSync(netLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const armed = lines.filter((l) => l.kind === 'armed');
  const attempts = lines.filter((l) => l.kind !== 'armed');
  const processes = new Set(armed.map((l) => l.pid));
  const compilers = armed.filter((l) => l.main && /miniprogram-ci/.test(l.script || '')).length;
  const threads = armed.filter((l) => !l.main).length;
  check(`the blocker was loaded in ${processes.size} processes (${compilers} miniprogram-ci compiler process(es), npm) and ${threads} worker thread(s)`,
    compilers > 0 && processes.size >= 3);
  check('no attempt to reach anything but loopback',
    attempts.length === 0, attempts.map((a) => `pid ${a.pid}: ${a.kind} ${a.host}${a.port ? ':' + a.port : ''}${a.stack ? '\n' + a.stack.replace(/^\s*/gm, '          ') : ''}`).join('\n        '));
  const unexpected = sink.asked.filter((a) => a !== 'CONNECT servicewechat.com:443');
  console.log(`      miniprogram-ci asked the refusing loopback proxy for: ${sink.asked.join(', ') || 'nothing'}`);
  check('miniprogram-ci asked for WeChat\'s server only (its allowed-extensions list; refused, it used its built-in list)',
    unexpected.length === 0, unexpected.join(', '));
}
