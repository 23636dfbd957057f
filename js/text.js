'use strict';
// UTF-8 TextEncoder/TextDecoder for runtimes without them (WeChat on devices). wasm-bindgen's
// glue builds both at load time; the build makes the glue take them from here, so nothing is
// installed on the global object. The native ones are used where they exist.
//
// The decoder honours a view's byteOffset/byteLength, `fatal`, `ignoreBOM` and `decode()` with
// no argument; invalid input becomes U+FFFD per maximal subpart, as the Encoding Standard says.
// Streaming (`{stream: true}`) is not supported: nothing here needs it.

var CHUNK = 8192;

function Utf8Encoder() {}
Utf8Encoder.prototype.encoding = 'utf-8';

Utf8Encoder.prototype.encode = function (input) {
  var text = input === undefined ? '' : String(input);
  var bytes = new Uint8Array(text.length * 3);
  return bytes.subarray(0, this.encodeInto(text, bytes).written);
};

Utf8Encoder.prototype.encodeInto = function (input, dest) {
  var text = String(input);
  var read = 0;
  var written = 0;
  var length = dest.length;
  while (read < text.length) {
    var unit = text.charCodeAt(read);
    var cp = unit;
    var units = 1;
    if (unit >= 0xd800 && unit <= 0xdbff && read + 1 < text.length) {
      var next = text.charCodeAt(read + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate
    var size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (written + size > length) break;
    if (size === 1) {
      dest[written] = cp;
    } else if (size === 2) {
      dest[written] = 0xc0 | (cp >> 6);
      dest[written + 1] = 0x80 | (cp & 0x3f);
    } else if (size === 3) {
      dest[written] = 0xe0 | (cp >> 12);
      dest[written + 1] = 0x80 | ((cp >> 6) & 0x3f);
      dest[written + 2] = 0x80 | (cp & 0x3f);
    } else {
      dest[written] = 0xf0 | (cp >> 18);
      dest[written + 1] = 0x80 | ((cp >> 12) & 0x3f);
      dest[written + 2] = 0x80 | ((cp >> 6) & 0x3f);
      dest[written + 3] = 0x80 | (cp & 0x3f);
    }
    written += size;
    read += units;
  }
  return { read: read, written: written };
};

function Utf8Decoder(label, options) {
  var name = label === undefined ? 'utf-8' : String(label).trim().toLowerCase();
  if (name !== 'utf-8' && name !== 'utf8' && name !== 'unicode-1-1-utf-8') {
    throw new RangeError('TextDecoder: only utf-8 is supported, got "' + label + '"');
  }
  this.encoding = 'utf-8';
  this.fatal = !!(options && options.fatal);
  this.ignoreBOM = !!(options && options.ignoreBOM);
}

// The glue passes a Uint8Array view of wasm memory on every string it reads: take that as is.
function bytesOf(input) {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input === undefined || input === null) return new Uint8Array(0);
  if (Object.prototype.toString.call(input) === '[object ArrayBuffer]') return new Uint8Array(input); // any realm's
  throw new TypeError('TextDecoder.decode: expected an ArrayBuffer or a view of one');
}

// Tokens and most strings crossing from Rust are short ASCII: decode those without the state machine.
function asciiOrNull(bytes, start) {
  var end = bytes.length;
  if (end - start > CHUNK) return null;
  for (var i = start; i < end; i++) if (bytes[i] >= 0x80) return null;
  return String.fromCharCode.apply(null, start ? bytes.subarray(start) : bytes);
}

Utf8Decoder.prototype.decode = function (input, options) {
  if (options && options.stream) throw new TypeError('TextDecoder: streaming is not supported');
  var bytes = bytesOf(input);
  var end = bytes.length;
  var i = 0;
  if (!this.ignoreBOM && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  var ascii = asciiOrNull(bytes, i);
  if (ascii !== null) return ascii;
  var out = '';
  var units = [];
  var fatal = this.fatal;
  function invalid() {
    if (fatal) throw new TypeError('TextDecoder: the encoded data was not valid utf-8');
    units.push(0xfffd);
  }
  while (i < end) {
    var b = bytes[i++];
    if (b < 0x80) {
      units.push(b);
    } else {
      var need = 0;
      var cp = 0;
      var lower = 0x80;
      var upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0x0f;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x07;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      }
      if (need === 0) {
        invalid();
      } else {
        while (need > 0 && i < end && bytes[i] >= lower && bytes[i] <= upper) {
          cp = (cp << 6) | (bytes[i++] & 0x3f);
          lower = 0x80;
          upper = 0xbf;
          need--;
        }
        if (need > 0) invalid(); // the offending byte is not consumed: it starts the next
        else if (cp > 0xffff) {
          cp -= 0x10000;
          units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else units.push(cp);
      }
    }
    if (units.length >= CHUNK) {
      out += String.fromCharCode.apply(null, units);
      units = [];
    }
  }
  return out + String.fromCharCode.apply(null, units);
};

module.exports = {
  TextEncoder: typeof TextEncoder === 'function' ? TextEncoder : Utf8Encoder,
  TextDecoder: typeof TextDecoder === 'function' ? TextDecoder : Utf8Decoder,
  Utf8Encoder: Utf8Encoder,
  Utf8Decoder: Utf8Decoder
};
