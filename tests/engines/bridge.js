'use strict';
// Node's side of the engine tests: finds the engine shells, prepares what they read (the built
// bundle wrapped as a CommonJS function, and the .wasm.br decompressed: the shells have no
// brotli), starts the demo server (the one fake back end) on 127.0.0.1, spawns a shell on
// ./harness.js and answers its bridge requests: wx.request as REAL HTTP to the demo server,
// wx.login codes from the server's WeChat stand-in, and the server-side actions a scenario
// needs (revoking every token).
//
// Protocol: the shell prints "@@mp <json>" lines; each one with an `id` waits (a blocking
// readline() in the shell) for exactly one JSON line on its stdin. Both directions are ASCII:
// the shells read and print bytes, not UTF-8.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { startBackend } = require('../support/app');

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'miniprogram_dist');
const HARNESS = path.join(__dirname, 'harness.js');
const WASM_PATH = '/miniprogram_npm/mp-login/mp_login.wasm.br'; // where the package looks, by default

// /usr/lib/<triplet>/<file> for each Debian multiarch triplet present.
function multiarch(file) {
  let dirs = [];
  try {
    dirs = fs.readdirSync('/usr/lib').filter((dir) => dir.endsWith('-linux-gnu'));
  } catch (none) { /* not Debian-like */ }
  return dirs.map((dir) => path.join('/usr/lib', dir, file));
}

const ENGINES = [
  {
    id: 'jsc',
    label: 'JavaScriptCore, JIT off (jsc --useJIT=false)',
    bin: 'jsc',
    // /usr/bin/jsc on bookworm (WebKitGTK 2.50); some releases keep it under webkit2gtk-4.0/ (as setup.sh).
    candidates: multiarch('webkit2gtk-4.0/jsc').concat('/usr/libexec/webkit2gtk-4.0/jsc'),
    // JS on the LLInt interpreter, wasm on the in-place interpreter (IPInt): no BBQ/OMG.
    flags: ['--useJIT=false'],
    // jscOptions() as the harness reads it: every JIT off, wasm on an interpreter.
    jitOff: (jit) => !jit.useJIT && !jit.useBBQJIT && !jit.useOMGJIT && !jit.useRegExpJIT && !!jit.useWasmIPInt,
    debianPackage: 'libjavascriptcoregtk-4.0-bin'
  },
  {
    id: 'js102',
    label: 'SpiderMonkey 102, lowest tiers (js102 --no-blinterp --no-baseline --no-ion --wasm-compiler=baseline)',
    bin: 'js102',
    candidates: [],
    // JS on the C++ interpreter only (no baseline interpreter, baseline JIT, Ion or regexp JIT);
    // wasm on its baseline compiler, the lowest wasm tier SpiderMonkey has (it has no wasm
    // interpreter, and with no wasm compiler at all it has no WebAssembly).
    flags: ['--no-blinterp', '--no-baseline', '--no-ion', '--no-native-regexp', '--wasm-compiler=baseline'],
    // getJitCompilerOptions() as the harness reads it.
    jitOff: (jit) => !jit['blinterp.enable'] && !jit['baseline.enable'] && !jit['ion.enable'] && !jit['native_regexp.enable'] &&
      !!jit['wasm.baseline'] && !jit['wasm.optimizing'],
    debianPackage: 'libmozjs-102-dev'
  }
];

function locate(engine) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const file = path.join(dir || '.', engine.bin);
    if (isExecutable(file)) return file;
  }
  return engine.candidates.find(isExecutable) || null;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (absent) {
    return false;
  }
}

// jsc has no --version: the Debian package's version names the WebKitGTK release.
function version(engine, file) {
  try {
    if (engine.id === 'js102') return execFileSync(file, ['--version'], { encoding: 'utf8' }).trim();
    return 'JavaScriptCore (WebKitGTK ' + execFileSync('dpkg-query', ['-W', '-f', '${Version}', engine.debianPackage],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() + ')';
  } catch (unknown) {
    return 'unknown version';
  }
}

// The files the shells read, made once per process from the BUILT package.
let prepared = null;
function prepare() {
  if (prepared) return prepared;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-engines-'));
  const wasmFile = path.join(dir, 'mp_login.wasm');
  fs.writeFileSync(wasmFile, zlib.brotliDecompressSync(fs.readFileSync(path.join(DIST, 'mp_login.wasm.br'))));
  const source = fs.readFileSync(path.join(DIST, 'index.js'), 'utf8');
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  prepared = { dir, wasmFile, source, bundles: 0 };
  prepared.bundleFile = wrapBundle(source);
  return prepared;
}

// WeChat runs each file as a function of (require, module, exports, window, self, ...): the
// bundle's text goes in unchanged. Another text (a broken package, for the controls) gets a
// file of its own.
function wrapBundle(source) {
  const file = path.join(prepared.dir, 'bundle-' + (prepared.bundles++) + '.js');
  fs.writeFileSync(file, 'globalThis.__mpLoginFactory = function (require, module, exports, window, self) {\n' + source + '\n};\n');
  return file;
}

const ascii = (text) => text.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

function responseHeader(raw) {
  const header = {};
  for (let i = 0; i < raw.length; i += 2) header[raw[i]] = raw[i + 1];
  return header;
}

// One wx.request as real HTTP; only to the demo server (nothing here reaches the network).
function httpExchange(serverUrl, { method, url, header, body, timeout }) {
  return new Promise((resolve) => {
    let target;
    try {
      target = new URL(url);
    } catch (bad) {
      return resolve({ error: 'invalid url ' + url });
    }
    if (target.origin !== new URL(serverUrl).origin) return resolve({ error: 'the engine bridge reaches only the demo server, not ' + url });
    const limit = typeof timeout === 'number' && timeout > 0 ? Math.min(timeout, 60000) : 60000;
    const request = http.request(target, { method, headers: header }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', (error) => resolve({ error: error.message }));
      response.on('end', () => resolve({ status: response.statusCode, header: responseHeader(response.rawHeaders),
        body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.setTimeout(limit, () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ error: error.message }));
    if (body !== null && body !== undefined) request.write(body);
    request.end();
  });
}

// Runs one scenario of ./harness.js in `engine` against a fresh demo server; `source`: a package
// text other than the built one (the controls' broken packages). Resolves to {outcome (what the
// harness reported), exitCode, signal, stderr, stray (other stdout lines), console (what the
// package's console said), server, backend, bridged (the HTTP the bridge did)}; an engine's
// fault is in there, never a rejection.
async function runScenario(engine, { scenario, promise = 'native', limitMs = 20000, source }) {
  const file = locate(engine);
  if (!file) throw new Error(`${engine.bin} is not installed: scripts/setup.sh installs it (Debian ${engine.debianPackage})`);
  const { wasmFile } = prepare();
  const bundleFile = source === undefined ? prepared.bundleFile : wrapBundle(source);
  const { backend, server } = await startBackend();
  const bridged = [];
  const stray = [];
  const consoleLines = [];
  let stderr = '';
  let outcome = null;
  try {
    const child = spawn(file, [...engine.flags, HARNESS], { stdio: ['pipe', 'pipe', 'pipe'] });
    const reply = (message) => {
      if (!child.stdin.destroyed) child.stdin.write(ascii(JSON.stringify(message)) + '\n');
    };
    async function handle(message) {
      switch (message.op) {
        case 'hello':
          return reply({ id: message.id, config: { scenario, promise, baseUrl: server.url, wasmPath: WASM_PATH, wasmFile, bundleFile, limitMs } });
        case 'code':
          return reply({ id: message.id, code: backend.issueCode() });
        case 'http': {
          const answer = await httpExchange(server.url, message);
          bridged.push({ method: message.method, url: message.url, status: answer.status, error: answer.error });
          return reply(Object.assign({ id: message.id }, answer));
        }
        case 'revoke':
          server.revokeAll();
          return reply({ id: message.id, ok: true });
        case 'result':
          outcome = message.outcome;
          return undefined;
        case 'console':
          consoleLines.push(message.level + ': ' + message.text);
          return undefined;
        default:
          return reply({ id: message.id, error: 'unknown op ' + message.op });
      }
    }
    // The shell blocks on each request, so they come one at a time; handled in order anyway.
    let chain = Promise.resolve();
    let buffered = '';
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (text) => {
      buffered += text;
      let end;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (!line.startsWith('@@mp ')) {
          stray.push(line);
          continue;
        }
        const message = JSON.parse(line.slice(5));
        chain = chain.then(() => handle(message)).catch((error) => {
          stray.push('bridge error: ' + error.stack);
          reply({ id: message.id, error: String(error) });
        });
      }
    });
    child.stderr.setEncoding('latin1');
    child.stderr.on('data', (text) => { stderr += text; });
    child.stdin.on('error', () => {}); // the shell may exit before reading everything
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs + 10000);
    const [exitCode, signal] = await new Promise((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
    clearTimeout(killer);
    await chain;
    if (buffered) stray.push(buffered);
    return { outcome, exitCode, signal, stderr, stray, console: consoleLines, server, backend, bridged };
  } finally {
    await server.close();
  }
}

module.exports = { ENGINES, locate, version, prepare, runScenario, WASM_PATH };
