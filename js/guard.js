// Guards for platform calls that may never call back (iOS can drop a request's callbacks when
// the network goes). One sweeping timer serves every call in flight instead of a timer per call,
// which would be the largest cost of a request: a guard is an entry, and the sweeper runs every
// SWEEP_MS while any entry lives, stopping by itself one sweep after the last one settles.
// Guards count sweeps, not clock readings, so they follow the timers they are given.

var SWEEP_MS = 1000;

var setTimer = setTimeout;
var ceil = Math.ceil;
var entries = [];
var live = 0;
var sweeping = false;

function sweep() {
  var kept = [];
  var expired = [];
  for (var i = 0; i < entries.length; i++) {
    var entry = entries[i];
    if (!entry.guarded) continue;
    if (--entry.sweepsLeft > 0) kept.push(entry);
    else expired.push(entry);
  }
  entries = kept;
  for (var j = 0; j < expired.length; j++) release(expired[j]);
  sweeping = live > 0;
  if (sweeping) setTimer(sweep, SWEEP_MS);
  for (var k = 0; k < expired.length; k++) expired[k].expire();
}

// Calls `entry.expire()` after at least `ms` unless `release(entry)` comes first.
function arm(ms, entry) {
  // +1: the first sweep may come any time within SWEEP_MS of arming.
  entry.sweepsLeft = ceil(ms / SWEEP_MS) + 1;
  entry.guarded = true;
  entries.push(entry);
  live++;
  if (!sweeping) {
    sweeping = true;
    setTimer(sweep, SWEEP_MS);
  }
  return entry;
}

function release(entry) {
  if (entry.guarded) {
    entry.guarded = false;
    live--;
  }
}

export { arm, release };
