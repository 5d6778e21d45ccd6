// Encodes what a node returns as FlexBuffers bytes, the format of arena values.
import builderModule from 'flatbuffers/js/flexbuffers/builder.js';
import valueTypeUtil from 'flatbuffers/js/flexbuffers/value-type-util.js';
import bitWidthUtil from 'flatbuffers/js/flexbuffers/bit-width-util.js';
import { refOf, toPlain } from './values.js';

const Builder = builderModule.Builder;

// The builder packs lists of one scalar type as typed vectors; the host reads untyped vectors only,
// so every list is written untyped (the builder looks this predicate up on its module at each call).
valueTypeUtil.isTypedVectorElement = () => false;
// The builder writes a float that fits 32 bits as 32 bits even into a 64-bit slot, which readers
// then misread; every float is written as 64 bits (as the host writes them).
bitWidthUtil.fwidth = () => 3;

/** Nesting deeper than this is refused (the host refuses deeper JSON too). */
export const MAX_DEPTH = 128;

/**
 * Encodes a JavaScript value. Numbers that are whole become integers, others floats; a bigint is an
 * integer; a Uint8Array (or any typed array or DataView) becomes bytes; an object with toJSON() (a
 * Date) is encoded as what toJSON returns. Undefined map entries are left out, as in JSON.
 *
 * @throws {TypeError} for a cycle, functions, symbols, non-finite numbers kept as such, or nesting
 *     deeper than MAX_DEPTH, naming the path ($.a.b[2])
 */
export function encode(value) {
  const b = new Builder(1024, true, true, true);
  add(b, value, '$', 0, []);
  return b.finish();
}

function add(b, v, path, depth, stack) {
  if (v === undefined || v === null) {
    b.add(null);
    return;
  }
  switch (typeof v) {
    case 'boolean':
    case 'string':
      b.add(v);
      return;
    case 'number':
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
        // Whole but beyond 2^53: keep the float rather than a wrong integer.
        b.addFloat(v);
      } else {
        b.add(v);
      }
      return;
    case 'bigint':
      if (v < -(2n ** 63n) || v >= 2n ** 63n) {
        throw new TypeError(`cannot encode ${path}: ${v} does not fit in 64 bits`);
      }
      if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
        b.add(Number(v));
      } else {
        b.add(v);
      }
      return;
    case 'function':
      throw new TypeError(`cannot encode ${path}: it is a function`);
    case 'symbol':
      throw new TypeError(`cannot encode ${path}: it is a symbol`);
    default:
      break;
  }
  if (depth >= MAX_DEPTH) {
    throw new TypeError(`cannot encode ${path}: nested deeper than ${MAX_DEPTH}`);
  }
  const ref = refOf(v);
  if (ref !== undefined) {
    add(b, toPlain(ref), path, depth, stack);
    return;
  }
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
    b.add(bytes);
    return;
  }
  if (v instanceof ArrayBuffer) {
    b.add(new Uint8Array(v.slice(0)));
    return;
  }
  if (stack.includes(v)) {
    throw new TypeError(`cannot encode ${path}: it refers back to itself (a cycle)`);
  }
  if (typeof v.toJSON === 'function') {
    add(b, v.toJSON(), path, depth, stack);
    return;
  }
  stack.push(v);
  if (Array.isArray(v)) {
    b.startVector();
    for (let i = 0; i < v.length; i++) {
      add(b, v[i], `${path}[${i}]`, depth + 1, stack);
    }
    b.end();
  } else if (v instanceof Map) {
    const keys = [...v.keys()].map((k) => {
      if (typeof k !== 'string') {
        throw new TypeError(`cannot encode ${path}: a Map key is a ${typeof k}, not a string`);
      }
      return k;
    });
    writeMap(b, keys.sort(compareKeys), (k) => v.get(k), path, depth, stack);
  } else {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(compareKeys);
    writeMap(b, keys, (k) => v[k], path, depth, stack);
  }
  stack.pop();
}

function writeMap(b, keys, get, path, depth, stack) {
  b.startMap(true);
  for (const k of keys) {
    if (k.includes('\0')) {
      throw new TypeError(`cannot encode ${path}: key ${JSON.stringify(k)} contains a NUL character`);
    }
    b.addKey(k);
    add(b, get(k), `${path}.${k}`, depth + 1, stack);
  }
  b.end();
}

// FlexBuffers keys are sorted by their UTF-8 bytes, which is code point order, not UTF-16 order.
function compareKeys(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) {
        return x - y;
      }
      return a.codePointAt(i) - b.codePointAt(i) || x - y;
    }
  }
  return a.length - b.length;
}
