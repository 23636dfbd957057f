'use strict';
// Peers for npm run bench: alova 3 (token authentication) and axios 1 + axios-auth-refresh, each
// set up as a login layer over wx.request (bench/peers/), measured the way scripts/bench.js
// measures mp-login: bundle size (esbuild, minified, brotli 11) and per-request overhead inside a
// mini-program sandbox. `node scripts/bench-peers.js` measures and prints them alone.

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');
const { createInstantWx, withTokenServer } = require('../simulator/instant-wx');

const repo = path.resolve(__dirname, '..');
const BASE = 'https://api.example.com';

const PEERS = [
  { name: 'alova (createServerTokenAuthentication)', entry: 'alova-entry.mjs', packages: ['alova'] },
  { name: 'axios + axios-auth-refresh', entry: 'axios-entry.mjs', packages: ['axios', 'axios-auth-refresh'] }
];

const median = (values) => {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n, digits = 2) => Number(n.toFixed(digits));

// package.json read from disk: alova's and axios's export maps don't all expose it.
const versionOf = (pkg) => JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', pkg, 'package.json'), 'utf8')).version;

// What a mini program would ship for the peer: its entry and everything it imports, in one file.
// 'browser' picks axios's browser build (no Node http adapter) and defines NODE_ENV=production.
function bundle(entry) {
  const result = esbuild.buildSync({
    entryPoints: [path.join(repo, 'bench/peers', entry)],
    bundle: true,
    minify: true,
    format: 'cjs',
    target: 'es2017',
    platform: 'browser',
    write: false,
    logLevel: 'warning'
  });
  return Buffer.from(result.outputFiles[0].contents);
}

const brotli = (bytes) => zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// µs per sequential awaited request, inside the sandbox: a bare promisified wx.request carrying
// the current token, against `call` (an expression over `globals`, e.g. a library's request), in
// alternating batches after a warm-up; medians. Every timed request must pass the token check.
async function timeAgainstDirect(sandbox, server, globals, call, { batches, perBatch }) {
  Object.assign(sandbox.context, globals, { bearer: server.bearer(), hrtime: () => Number(process.hrtime.bigint()) });
  const loop = sandbox.run(`(async function (direct, n) {
    var start = hrtime();
    for (var i = 0; i < n; i++) {
      if (direct) {
        await new Promise(function (resolve, reject) {
          wx.request({ url: '${BASE}/api/x', header: { Authorization: bearer }, success: resolve, fail: reject });
        });
      } else {
        await ${call};
      }
    }
    return (hrtime() - start) / n / 1000;
  })`);
  const unauthorized = server.counts.unauthorized;
  await loop(true, perBatch);
  await loop(false, perBatch);
  const direct = [];
  const via = [];
  for (let i = 0; i < batches; i++) {
    direct.push(await loop(true, perBatch));
    via.push(await loop(false, perBatch));
  }
  if (server.counts.unauthorized !== unauthorized) throw new Error(`${globals.name}: 401s during the timed loop`);
  return { directUs: median(direct), viaUs: median(via) };
}

// The first request logs in; a revoked token costs one wx.login, one exchange and a retry that
// succeeds. Throws if a peer does otherwise: its figures would not be a login layer's.
async function checkLoginLayer(name, client, server) {
  const expect = (what, actual, wanted) => {
    if (actual !== wanted) throw new Error(`${name}: ${what} was ${actual}, expected ${wanted}`);
  };
  await client.request('/api/first');
  expect('wx.login calls after the first request', server.counts.login, 1);
  server.revoke();
  const before = Object.assign({}, server.counts);
  const data = await client.request('/api/after-revoke');
  if (!data || data.error) throw new Error(`${name}: the request after a 401 did not recover: ${JSON.stringify(data)}`);
  expect('wx.login calls to recover from one 401', server.counts.login - before.login, 1);
  expect('exchanges to recover from one 401', server.counts.exchange - before.exchange, 1);
  expect('401s while recovering', server.counts.unauthorized - before.unauthorized, 1);
  await client.request('/api/again');
  expect('wx.login calls once recovered', server.counts.login - before.login, 1);
}

async function measurePeer(peer, { createPlatform, createSandbox, batches, perBatch }) {
  const code = bundle(peer.entry);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-peer-'));
  try {
    fs.writeFileSync(path.join(root, 'peer.js'), code);
    const server = withTokenServer(createPlatform());
    const sandbox = createSandbox({ root, wx: server.wx });
    const client = sandbox.require('/peer.js').createClient(server.wx);
    await checkLoginLayer(peer.name, client, server);

    const { directUs, viaUs } = await timeAgainstDirect(sandbox, server, { name: peer.name, client }, 'client.request(\'/api/x\')', { batches, perBatch });
    return {
      name: peer.name,
      version: peer.packages.map((pkg) => `${pkg}@${versionOf(pkg)}`).join(' + '),
      bundleRaw: code.length,
      bundleBrotli: brotli(code),
      directUs: round(directUs),
      peerUs: round(viaUs),
      addedUs: round(viaUs - directUs),
      ratio: round(viaUs / directUs)
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function peerFigures({ createPlatform, createSandbox, batches = 21, perBatch = 2000 }) {
  const rows = [];
  for (const peer of PEERS) rows.push(await measurePeer(peer, { createPlatform, createSandbox, batches, perBatch }));
  return rows;
}

function peerTable(rows) {
  const lines = ['| peer | versions | bundle raw | bundle brotli | direct µs | via peer µs | added µs (×) |',
    '|---|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${r.version} | ${r.bundleRaw} | ${r.bundleBrotli} | ${r.directUs} | ${r.peerUs} | ${r.addedUs} (×${r.ratio}) |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const { createSandbox } = require('../simulator/sandbox');
  peerFigures({ createPlatform: createInstantWx, createSandbox }).then((rows) => {
    console.log('### Peers (median of 21 batches of 2000 sequential requests, instant fake wx.request)\n');
    console.log(peerTable(rows));
  }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

module.exports = { peerFigures, peerTable, timeAgainstDirect, PEERS };
