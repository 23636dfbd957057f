'use strict';
// npm run soak -- [--seed N] [--requests 10000] [--concurrency 40]
// The long fault-injection soak (tests/support/soak.js); prints the report, exits 1 on a problem.
const { runSoak } = require('../tests/support/soak');

const option = (name, fallback) => {
  const at = process.argv.indexOf('--' + name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seed = option('seed', Math.floor(Math.random() * 2 ** 31));
console.log(`soak: seed ${seed} (rerun with --seed ${seed})`);
runSoak({ seed, requests: option('requests', 10000), concurrency: option('concurrency', 40), log: console.log })
  .then((report) => {
    console.log(JSON.stringify(report, null, 2));
    console.log(report.problems.length ? 'soak FAILED' : 'soak passed');
    process.exitCode = report.problems.length ? 1 : 0;
  }, (error) => {
    console.error(error);
    process.exitCode = 1;
  });
