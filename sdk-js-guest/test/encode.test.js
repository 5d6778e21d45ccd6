import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, MAX_DEPTH } from '../src/encode.js';
import * as fb from '../src/reader.js';
import { toPlain } from '../src/values.js';

function decode(u8) {
  return toPlain(fb.root(new DataView(u8.buffer, u8.byteOffset, u8.byteLength)));
}

test('whole numbers encode as integers, others as floats', () => {
  const r = fb.root(new DataView(encode([1, 1.5, 2 ** 53 + 2]).buffer));
  assert.equal(fb.isInt(fb.at(r, 0)), true);
  assert.equal(fb.isInt(fb.at(r, 1)), false);
  assert.equal(fb.isInt(fb.at(r, 2)), false, 'beyond 2^53 a whole number stays a float');
});

test('lists are written untyped, as the host reads them', () => {
  const r = fb.root(new DataView(encode([1, 2, 3]).buffer));
  assert.equal(r.type, fb.T_VECTOR);
});

test('maps, dates, Map objects and typed arrays encode as their data', () => {
  const when = new Date(Date.UTC(2024, 0, 2));
  assert.deepEqual(decode(encode({ when, m: new Map([['k', 1]]), f: new Float64Array([1]), skip: undefined })), {
    f: new Uint8Array(new Float64Array([1]).buffer),
    m: { k: 1 },
    when: '2024-01-02T00:00:00.000Z',
  });
});

test('cycles, functions, symbols and too deep nesting are refused with the path', () => {
  const a = { list: [{}] };
  a.list[0].up = a;
  assert.throws(() => encode(a), { message: 'cannot encode $.list[0].up: it refers back to itself (a cycle)' });
  assert.throws(() => encode({ f() {} }), { message: 'cannot encode $.f: it is a function' });
  assert.throws(() => encode([Symbol('x')]), { message: 'cannot encode $[0]: it is a symbol' });
  let deep = 1;
  for (let i = 0; i <= MAX_DEPTH; i++) {
    deep = [deep];
  }
  assert.throws(() => encode(deep), /nested deeper than 128/);
  assert.throws(() => encode(2n ** 64n), /does not fit in 64 bits/);
});

test('the same object twice (not a cycle) is fine', () => {
  const shared = { x: 1 };
  assert.deepEqual(decode(encode({ a: shared, b: shared })), { a: { x: 1 }, b: { x: 1 } });
});
