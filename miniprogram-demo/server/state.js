'use strict';
// The demo server's state file: its token-signing secret, the revocation generation and the
// wx.login codes already used. Whoever can write it can forge tokens, and whoever can read it can
// too, so it is handled like a private key:
// - the default location is a per-user directory under the temp dir, created 0700 and refused if
//   it is a symlink, owned by someone else or open to group/others (a planted directory);
// - the file is created 0600 and refused at startup if it is a symlink, not a regular file, owned
//   by another user or readable/writable by group/others;
// - writes never follow a symlink: a new file is created next to it ('wx', 0600) and renamed over.
// Without a file (the tests' back end) the state lives in memory.

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NOFOLLOW = fs.constants.O_NOFOLLOW || 0;
const myUid = () => (typeof process.getuid === 'function' ? process.getuid() : null);

function refuse(what, where, why, fix) {
  return new Error(`mp-login demo: refusing the ${what} ${where}: ${why}. ${fix}`);
}

// Checks an existing file or directory's stat: not a symlink, of the right kind, ours, private.
function checkPrivate(stat, what, where, kind) {
  const fix = what === 'state directory'
    ? 'Remove it (a new one is created 0700), or pass --state FILE.'
    : 'Remove it (a new one is created 0600), or pass another --state FILE.';
  if (stat.isSymbolicLink()) throw refuse(what, where, 'it is a symbolic link', fix);
  if (kind === 'directory' ? !stat.isDirectory() : !stat.isFile()) throw refuse(what, where, `it is not a ${kind}`, fix);
  const uid = myUid();
  if (uid !== null && stat.uid !== uid) throw refuse(what, where, `it is owned by uid ${stat.uid}, not by this user (${uid})`, fix);
  if (uid !== null && (stat.mode & 0o077)) {
    throw refuse(what, where, `its mode ${(stat.mode & 0o777).toString(8)} lets other users in`, fix);
  }
}

// A stable per-user location, so a restarted `npm run demo -- --serve` keeps its tokens valid.
function defaultStateFile(base = os.tmpdir()) {
  const uid = myUid();
  const dir = path.join(base, 'mp-login-demo-' + (uid === null ? os.userInfo().username : uid));
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  checkPrivate(fs.lstatSync(dir), 'state directory', dir, 'directory');
  return path.join(dir, 'state.json');
}

// The file's JSON (null when it does not exist yet), refusing a file that is not privately ours.
function readStateFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW);
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    if (error.code === 'ELOOP' || error.code === 'EMLINK') {
      throw refuse('state file', file, 'it is a symbolic link', 'Remove it (a new one is created 0600), or pass another --state FILE.');
    }
    throw error;
  }
  try {
    checkPrivate(fs.lstatSync(file), 'state file', file, 'file');  // no O_NOFOLLOW (Windows)
    checkPrivate(fs.fstatSync(fd), 'state file', file, 'file');    // what was opened
    try {
      return JSON.parse(fs.readFileSync(fd, 'utf8'));
    } catch (garbage) {
      return null; // unreadable state: start afresh (and overwrite it)
    }
  } finally {
    fs.closeSync(fd);
  }
}

function writeStateFile(file, data) {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  fs.writeFileSync(temp, JSON.stringify(data), { flag: 'wx', mode: 0o600 });
  try {
    fs.renameSync(temp, file); // replaces a symlink planted at `file` instead of following it
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

// `data` is the state; `save()` writes it (a no-op in memory).
class StateStore {
  constructor(file) {
    this.file = file || null;
    this.data = (this.file && readStateFile(this.file)) || {};
    if (typeof this.data !== 'object' || Array.isArray(this.data)) this.data = {};
  }

  save() {
    if (this.file) writeStateFile(this.file, this.data);
  }
}

module.exports = { StateStore, defaultStateFile, readStateFile, writeStateFile };
