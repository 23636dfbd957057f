'use strict';
// npm run bench: size, start-up, per-request overhead, memory and round trips, measured in one
// run. Medians over repeated runs; ratios against a baseline measured in the same run. Prints
// Markdown and writes bench-results/bench.json. Run with --expose-gc (scripts/bench.sh does).
//   --names FILE   a wasm with symbol names (scripts/bench.sh builds one) for the per-crate sizes

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { sizes, table: sizeTable } = require('./size');
const { createSandbox, miniprogramRoot, wxWebAssembly } = require('../simulator/sandbox');
const { miniProgram } = require('../tests/support/app');
const { peerFigures, peerTable, timeAgainstDirect } = require('./bench-peers');
const { createInstantWx, withTokenServer } = require('../simulator/instant-wx');

const root = miniprogramRoot();
const BASE = 'https://api.example.com';
const median = (values) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (ns) => Number(ns) / 1e6;
const now = () => process.hrtime.bigint();
const round = (n, digits = 2) => Number(n.toFixed(digits));

function freshSandbox(platform) {
  return createSandbox({ root, wx: platform });
}

// ---- start-up ----
async function startup(runs = 30) {
  const toUsable = [];
  const instantiateBr = [];
  for (let i = 0; i < runs; i++) {
    const storage = new Map([['mp-login:session', { token: 'stored', createTime: Date.now() / 1000, expires_in: 7200 }]]);
    const platform = createInstantWx({ storage });
    const t0 = now();
    const sandbox = freshSandbox(platform);
    const session = sandbox.require('mp-login').createSession({ baseUrl: BASE, checkSession: false });
    await session.start();
    toUsable.push(ms(now() - t0));
    if (session.token !== 'stored') throw new Error('start-up bench: the stored token was not used');

    const probe = freshSandbox(platform);
    const t1 = now();
    await probe.wasm.instantiate('/miniprogram_npm/mp-login/mp_login.wasm.br', {});
    instantiateBr.push(ms(now() - t1));
  }
  return {
    runs,
    requireToUsableMs: round(median(toUsable)),
    instantiateBrMs: round(median(instantiateBr)),
    firstRequireToUsableMs: round(toUsable[0])
  };
}

// ---- per-request overhead, measured inside one sandbox, behind the same token-checking
// server the peers get (scripts/bench-peers.js), so the baseline is the same for all ----
async function perRequest({ batches = 21, perBatch = 2000 } = {}) {
  const server = withTokenServer(createInstantWx());
  const sandbox = freshSandbox(server.wx);
  const session = sandbox.require('mp-login').createSession({ baseUrl: BASE, checkSession: false });
  await session.start();
  const { directUs: d, viaUs: s } = await timeAgainstDirect(sandbox, server, { name: 'mp-login', session },
    'session.request({ url: \'/api/x\' })', { batches, perBatch });
  return { batches, perBatch, directUs: round(d), sessionUs: round(s), addedUs: round(s - d), ratio: round(s / d),
    addedOverDirect: round((s - d) / d) };
}

// ---- calls across the wasm boundary: every export and import wrapped with a counter ----
function countingWasm(root) {
  const inner = wxWebAssembly(root);
  const counter = { calls: 0 };
  const wrap = (table) => {
    const wrapped = {};
    for (const [name, value] of Object.entries(table || {})) {
      wrapped[name] = typeof value === 'function' ? (...args) => { counter.calls++; return value(...args); } : value;
    }
    return wrapped;
  };
  counter.instantiate = (file, imports) => {
    const wrappedImports = {};
    for (const [module, table] of Object.entries(imports || {})) wrappedImports[module] = wrap(table);
    return inner.instantiate(file, wrappedImports).then((result) => ({ instance: { exports: wrap(result.instance.exports) }, module: result.module }));
  };
  return counter;
}

async function boundaryCalls({ warm = 1000 } = {}) {
  const server = withTokenServer(createInstantWx());
  const counter = countingWasm(root);
  const sandbox = createSandbox({ root, wx: server.wx, WXWebAssembly: counter });
  const session = sandbox.require('mp-login').createSession({ baseUrl: BASE });
  let before = counter.calls;
  await session.request({ url: '/api/first' });
  const cold = counter.calls - before;
  before = counter.calls;
  for (let i = 0; i < warm; i++) await session.request({ url: '/api/x' });
  const warmCalls = (counter.calls - before) / warm;
  server.revoke();
  before = counter.calls;
  await session.request({ url: '/api/after-revoke' });
  return { cold, warm: warmCalls, afterRevocation: counter.calls - before };
}

// ---- memory: requests with revocations and re-logins; no growth after warm-up ----
async function memory({ checkpoints = [1000, 10000, 100000], concurrency = 10 } = {}) {
  const server = withTokenServer(createInstantWx());
  const sandbox = freshSandbox(server.wx);
  const session = sandbox.require('mp-login').createSession({ baseUrl: BASE, checkSession: false });
  await session.start();
  const instance = sandbox.wasm.instances[0];
  let done = 0;
  let failed = 0;
  const rows = [];
  for (const target of checkpoints) {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (done < target) {
        done++;
        if (done % 50 === 0) server.revoke();
        await session.request({ url: '/api/x' }).catch(() => { failed++; });
      }
    }));
    global.gc && global.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    global.gc && global.gc();
    rows.push({
      requests: done,
      wasmMemoryKB: instance.exports.memory.buffer.byteLength / 1024,
      jsHeapMB: round(process.memoryUsage().heapUsed / 1024 / 1024, 1),
      unsettled: session.unsettled,
      logins: server.counts.login
    });
  }
  return { rows, failed, gcExposed: typeof global.gc === 'function' };
}

// ---- round trips per scenario, over real HTTP, next to the minimum possible ----
async function roundTrips() {
  const scenarios = [];
  async function scenario(name, minimum, play) {
    const mp = await miniProgram();
    try {
      const counts = await play(mp);
      scenarios.push({ name, ...counts, minimum });
    } finally {
      await mp.close();
    }
  }
  const counters = (mp, before = { wx: 0, ex: 0, api: 0 }) => ({
    wxLogin: mp.app.control.loginCalls - before.wx,
    exchange: mp.server.log.loginAttempts - before.ex,
    business: mp.server.log.requests.filter((r) => r.path.startsWith('/api/')).length - before.api
  });
  const snapshot = (mp) => ({ wx: mp.app.control.loginCalls, ex: mp.server.log.loginAttempts,
    api: mp.server.log.requests.filter((r) => r.path.startsWith('/api/')).length });

  await scenario('cold start, then one request', { wxLogin: 1, exchange: 1, business: 1 }, async (mp) => {
    const session = mp.app.createSession();
    await session.start();
    await session.request({ url: '/api/a' });
    return counters(mp);
  });
  await scenario('warm start with a valid stored token, one request', { wxLogin: 0, exchange: 0, business: 1 }, async (mp) => {
    await mp.app.createSession().start();
    const app = mp.launch();
    const before = snapshot(mp);
    await app.createSession().request({ url: '/api/a' });
    return Object.assign(counters(mp, before), { wxLogin: app.control.loginCalls, checkSession: app.control.checkSessionCalls });
  });
  await scenario('20 concurrent requests without a token', { wxLogin: 1, exchange: 1, business: 20 }, async (mp) => {
    const session = mp.app.createSession();
    await Promise.all(Array.from({ length: 20 }, () => session.request({ url: '/api/a' })));
    return counters(mp);
  });
  await scenario('20 concurrent 401s (token revoked)', { wxLogin: 1, exchange: 1, business: 40 }, async (mp) => {
    const session = mp.app.createSession();
    await session.start();
    mp.server.revokeAll();
    const before = snapshot(mp);
    await Promise.all(Array.from({ length: 20 }, () => session.request({ url: '/api/a' })));
    return counters(mp, before);
  });
  await scenario('a stale 401 (slow request crosses a re-login)', { wxLogin: 1, exchange: 1, business: 4 }, async (mp) => {
    const session = mp.app.createSession();
    await session.start();
    const before = snapshot(mp);
    const slow = session.request({ url: '/api/slow?delay=200' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    mp.server.revokeAll();
    await session.request({ url: '/api/quick' });
    await slow;
    return counters(mp, before);
  });
  await scenario('local expiry, then one request', { wxLogin: 1, exchange: 1, business: 1 }, async (mp) => {
    let offset = 0;
    const session = mp.app.createSession({ now: () => Date.now() + offset });
    await session.start();
    const before = snapshot(mp);
    offset = 7200 * 1000;
    await session.request({ url: '/api/a' });
    return counters(mp, before);
  });
  return scenarios;
}

// ---- which crates the wasm's bytes belong to ----
// `exported`: the module's export names; the seam's exports carry the core inlined into them.
function crateOf(item, exported) {
  if (exported.has(item)) return 'mp_login::seam (the exports, core code inlined)';
  const match = /^[<&\s]*(?:dyn )?([a-z_][a-z0-9_]*)\[[0-9a-f]+\]::([a-z_][a-z0-9_]*)(?:::([a-z_][a-z0-9_]*))?/.exec(item);
  if (!match) return 'other';
  const [, crate, first, second] = match;
  if (crate === 'mp_login') return 'mp_login::' + first;
  if (crate === 'alloc' && first === 'collections') return 'alloc::collections::' + second;
  if (crate === 'core' && first === 'fmt') return 'core::fmt';
  return crate;
}

function dependencyCosts(namesWasm) {
  if (!namesWasm || !fs.existsSync(namesWasm)) return null;
  const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(namesWasm))).map((e) => e.name));
  const twiggy = process.env.TWIGGY || 'twiggy';
  const rows = JSON.parse(execFileSync(twiggy, ['top', '-n', '100000', '--format', 'json', namesWasm], { maxBuffer: 64 << 20 }));
  const groups = {};
  let total = 0;
  for (const row of rows) {
    const name = row.name;
    if (name.includes('"function names" subsection') || name.startsWith('"') && name.includes('custom section')) continue;
    const key = name.startsWith('data segment') ? 'data (strings, tables)' : crateOf(name, exported);
    groups[key] = (groups[key] || 0) + row.shallow_size;
    total += row.shallow_size;
  }
  return Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([crate, bytes]) => ({ crate, bytes, share: round(bytes / total * 100, 1) }));
}

// `--quick`: only the per-request figure and the boundary calls, for iterating on the hot path.
async function quick() {
  console.log(JSON.stringify({ perRequest: await perRequest({ batches: 11 }), boundaryCalls: await boundaryCalls() }));
}

async function main() {
  if (process.argv.includes('--quick')) return quick();
  const namesAt = process.argv.indexOf('--names');
  const result = { date: new Date().toISOString().slice(0, 10), machine: `${os.cpus().length}× ${os.cpus()[0].model.trim()}, ${os.platform()} ${os.release()}, Node ${process.version}` };
  result.size = sizes();
  result.dependencies = dependencyCosts(namesAt > 0 ? process.argv[namesAt + 1] : null);
  result.startup = await startup();
  result.perRequest = await perRequest();
  result.boundaryCalls = await boundaryCalls();
  result.peers = await peerFigures({ createPlatform: createInstantWx, createSandbox });
  result.memory = await memory();
  result.roundTrips = await roundTrips();

  const out = [];
  out.push(`## Benchmarks — ${result.date}, ${result.machine}`, '', '### Size', '', sizeTable(result.size), '');
  if (result.dependencies) {
    out.push('Where the wasm\'s bytes go (a build with symbol names, before brotli; names excluded):', '',
      '| part | bytes | share |', '|---|---:|---:|');
    for (const d of result.dependencies.slice(0, 14)) out.push(`| ${d.crate} | ${d.bytes} | ${d.share}% |`);
    out.push('');
  }
  const s = result.startup;
  out.push('### Start-up (median of ' + s.runs + ' cold loads, each in a fresh sandbox context)', '',
    '| measure | ms |', '|---|---:|',
    `| require → usable session (WXWebAssembly stand-in, .wasm.br, stored token restored) | ${s.requireToUsableMs} |`,
    `| instantiate alone, .wasm.br (includes brotli decompression) | ${s.instantiateBrMs} |`,
    `| the very first load in this process | ${s.firstRequireToUsableMs} |`, '');
  const p = result.perRequest;
  out.push(`### Per-request overhead (median of ${p.batches} batches of ${p.perBatch} sequential requests, instant fake wx.request)`, '',
    '| | µs per request |', '|---|---:|',
    `| wx.request directly (promisified) | ${p.directUs} |`,
    `| session.request (token attached, through the wasm core) | ${p.sessionUs} |`,
    `| **added by mp-login** | **${p.addedUs}** (${p.addedOverDirect}× the direct call) |`, '');
  const b = result.boundaryCalls;
  out.push('### Calls across the wasm boundary (exports and imports wrapped with a counter)', '',
    '| request | calls |', '|---|---:|',
    `| warm (token held), per request | ${b.warm} |`,
    `| cold (first request: storage, wx.login, exchange) | ${b.cold} |`,
    `| after a revocation (401, re-login, retry) | ${b.afterRevocation} |`, '');
  out.push('### Peers, measured in the same run over the same fake wx and token server', '',
    '| library | versions | bundle raw | bundle brotli | direct µs | via library µs | added µs (×) |',
    '|---|---|---:|---:|---:|---:|---:|',
    `| **mp-login** | this build | ${result.size.totals.packageRaw} | ${result.size.totals.shippedBrotli} | ${p.directUs} | ${p.sessionUs} | ${p.addedUs} (×${p.ratio}) |`,
    peerTable(result.peers).split('\n').slice(2).join('\n'), '');
  out.push('### Memory (requests with a revocation every 50: 401s and re-logins)', '',
    '| requests | wasm linear memory | JS heap (after GC) | unsettled | logins |', '|---:|---:|---:|---:|---:|');
  for (const r of result.memory.rows) out.push(`| ${r.requests} | ${r.wasmMemoryKB} KB | ${r.jsHeapMB} MB | ${r.unsettled} | ${r.logins} |`);
  out.push('', '### Round trips (real HTTP to a local server)', '',
    '| scenario | wx.login | exchange | business requests | minimum possible |', '|---|---:|---:|---:|---|');
  for (const r of result.roundTrips) {
    const m = r.minimum;
    out.push(`| ${r.name} | ${r.wxLogin} | ${r.exchange} | ${r.business} | ${m.wxLogin} / ${m.exchange} / ${m.business} |`);
  }
  console.log(out.join('\n'));
  fs.mkdirSync(path.resolve(__dirname, '../bench-results'), { recursive: true });
  fs.writeFileSync(path.resolve(__dirname, '../bench-results/bench.json'), JSON.stringify(result, null, 2) + '\n');
  console.log('\n(written to bench-results/bench.json)');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
