'use strict';
// npm run size: raw / gzip / brotli bytes of every shipped file, and what a mini program pays.
// Prints a Markdown table; `--json FILE` also writes the figures. scripts/bench.js reuses it.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dist = path.resolve(__dirname, '../miniprogram_dist');
const BUDGET_BROTLI = 10 * 1024;

function measure(file) {
  const bytes = fs.readFileSync(path.join(dist, file));
  const brotli = file.endsWith('.br') ? bytes.length : zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 }
  }).length;
  const gzip = file.endsWith('.br') ? bytes.length : zlib.gzipSync(bytes, { level: 9 }).length;
  return { file, raw: bytes.length, gzip, brotli };
}

function sizes() {
  const rows = fs.readdirSync(dist).filter((f) => !f.endsWith('.d.ts')).sort().map(measure);
  const sum = (list, key) => list.reduce((total, row) => total + row[key], 0);
  const js = rows.filter((r) => r.file.endsWith('.js'));
  const wasmBr = rows.find((r) => r.file.endsWith('.wasm.br'));
  const wasmRaw = zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, wasmBr.file))).length;
  return {
    rows,
    totals: {
      // What sits in the code package after WeChat's npm build copies miniprogram_dist.
      packageRaw: sum(rows, 'raw'),
      // What a device downloads when the package is compressed and the .wasm.br is loaded.
      shippedBrotli: sum(js, 'brotli') + wasmBr.raw,
      jsBrotli: sum(js, 'brotli'),
      wasmBrotli: wasmBr.raw,
      wasmRaw,
      budgetBrotli: BUDGET_BROTLI
    }
  };
}

const kb = (n) => (n / 1024).toFixed(1) + ' KB';

function table({ rows, totals }) {
  const lines = ['| file | raw | gzip | brotli |', '|---|---:|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.file} | ${row.raw} | ${row.gzip} | ${row.brotli} |`);
  lines.push(`| **all files (code package)** | ${totals.packageRaw} | | |`);
  lines.push(`| **shipped, brotli (JS + .wasm.br)** | | | ${totals.shippedBrotli} (${kb(totals.shippedBrotli)}) |`);
  lines.push('', `budget: ${kb(totals.shippedBrotli)} of ${kb(BUDGET_BROTLI)} brotli` +
    (totals.shippedBrotli > BUDGET_BROTLI ? ' — OVER BUDGET' : ''));
  return lines.join('\n');
}

if (require.main === module) {
  const result = sizes();
  console.log(table(result));
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0) fs.writeFileSync(process.argv[jsonAt + 1], JSON.stringify(result, null, 2) + '\n');
  process.exitCode = result.totals.shippedBrotli > BUDGET_BROTLI ? 1 : 0;
}

module.exports = { sizes, table, kb };
