'use strict';
// The UTF-8 shim the glue gets on devices, checked against Node's own TextEncoder/TextDecoder.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Utf8Encoder, Utf8Decoder } = require('../../js/text.js');

const samples = ['', 'ascii', '中文', 'emoji 😀👩‍👩‍👧', 'é\u0000z', '\uffff\u{10ffff}', 'x'.repeat(20000) + '令'];

test('encoding matches the native TextEncoder, lone surrogates included', () => {
  for (const text of samples.concat(['\ud800', 'a\udc00b', '\ud83d'])) {
    assert.deepEqual(new Utf8Encoder().encode(text), new TextEncoder().encode(text), JSON.stringify(text));
  }
});

test('encodeInto stops before a character that does not fit, as the native one does', () => {
  const dest = new Uint8Array(5);
  assert.deepEqual(new Utf8Encoder().encodeInto('ab中c', dest), new TextEncoder().encodeInto('ab中c', new Uint8Array(5)));
  const tight = new Uint8Array(4);
  assert.deepEqual(new Utf8Encoder().encodeInto('a😀', tight), { read: 1, written: 1 });
});

test('decoding honours the view\'s byteOffset and byteLength', () => {
  const bytes = new TextEncoder().encode('xx中文yy');
  const view = new Uint8Array(bytes.buffer, 2, 6);
  assert.equal(new Utf8Decoder('utf-8').decode(view), '中文');
  assert.equal(new Utf8Decoder().decode(new DataView(bytes.buffer, 8, 2)), 'yy');
});

test('decode() with no argument returns an empty string', () => {
  assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true, fatal: true }).decode(), '');
});

test('invalid input: U+FFFD per maximal subpart, like the native decoder; fatal throws', () => {
  const cases = [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
    [0xe4, 0xb8], [0x61, 0xe4, 0x62], [0xf0, 0x9f, 0x98]];
  for (const bytes of cases) {
    const input = new Uint8Array(bytes);
    assert.equal(new Utf8Decoder().decode(input), new TextDecoder().decode(input), bytes.join(','));
    assert.throws(() => new Utf8Decoder('utf-8', { fatal: true }).decode(input), TypeError);
  }
});

test('a BOM is dropped unless ignoreBOM is set', () => {
  const input = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
  assert.equal(new Utf8Decoder().decode(input), 'a');
  assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true }).decode(input), '\ufeffa');
});

test('every sample round-trips, a large one included', () => {
  for (const text of samples) {
    assert.equal(new Utf8Decoder().decode(new Utf8Encoder().encode(text)), text);
  }
});

test('labels other than utf-8 are refused', () => {
  assert.throws(() => new Utf8Decoder('latin1'), RangeError);
});
