// Guards for platform calls that may never call back (iOS can drop a request's callbacks when
// the network goes). One sweeping timer serves every call in flight instead of a timer per call,
// which would be the largest cost of a request: a guard is an entry in a list (removed in O(1)
// when its call answers), and the sweeper runs every SWEEP_MS while the list is not empty,
// stopping by itself at the first sweep that finds it empty. Guards count sweeps, not clock
// readings, so they follow the timers they are given.

const SWEEP_MS = 1000;

const setTimer = setTimeout;
const ceil = Math.ceil;
const entries = [];
let sweeping = false;

function sweep() {
  const expired = [];
  for (const entry of entries) {
    if (--entry.sweepsLeft <= 0) expired.push(entry);
  }
  for (const entry of expired) release(entry);
  sweeping = entries.length > 0;
  if (sweeping) setTimer(sweep, SWEEP_MS);
  for (const entry of expired) entry.expire();
}

// Calls `entry.expire()` after at least `ms` unless `release(entry)` comes first.
export function arm(ms, entry) {
  // +1: the first sweep may come any time within SWEEP_MS of arming.
  entry.sweepsLeft = ceil(ms / SWEEP_MS) + 1;
  entry.slot = entries.length;
  entries.push(entry);
  if (!sweeping) {
    sweeping = true;
    setTimer(sweep, SWEEP_MS);
  }
}

export function release(entry) {
  const slot = entry.slot;
  if (slot < 0) return;
  const last = entries.pop();
  if (last !== entry) {
    entries[slot] = last;
    last.slot = slot;
  }
  entry.slot = -1;
}
