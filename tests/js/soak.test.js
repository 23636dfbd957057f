'use strict';
// A short run of the fault-injection soak (the long one: npm run soak). The seed is printed so a
// failure can be replayed with `npm run soak -- --seed N --requests 1500`.
const test = require('node:test');
const assert = require('node:assert/strict');
const { runSoak } = require('../support/soak');

test('1500 requests from 30 concurrent callers under random faults: none hangs, none is lost, every login explained', async (t) => {
  const seed = Number(process.env.SOAK_SEED) || Math.floor(Math.random() * 2 ** 31);
  const report = await runSoak({ seed, requests: 1500, concurrency: 30 });
  t.diagnostic(`seed ${seed}: ${report.wxLoginCalls} wx.login calls, faults ${JSON.stringify(report.faults)}`);
  assert.deepEqual(report.problems, [], `seed ${seed}: ${JSON.stringify(report, null, 1)}`);
  assert.ok(report.tally.resolved > 0 && report.wxLoginCalls > 1, 'the soak exercised nothing');
});
