import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../src/encode.js';
import { rootView, toJS } from '../src/values.js';
import * as fb from '../src/reader.js';

function roundTrip(value) {
  const u8 = encode(value);
  return rootView(u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength));
}

test('nested fields of maps and lists are read lazily and cached', () => {
  const v = roundTrip({ order: { customer: { address: { city: 'Oslo' } }, lines: [{ sku: 'A' }, { sku: 'B' }] } });
  assert.equal(v.order.customer.address.city, 'Oslo');
  assert.equal(v.order.lines[1].sku, 'B');
  assert.equal(v.order.lines.length, 2);
  assert.equal(v.order, v.order, 'the same view comes back for the same field');
  assert.equal(v.order.missing, undefined);
  assert.equal('customer' in v.order, true);
  assert.equal('nope' in v.order, false);
});

test('lists behave as arrays', () => {
  const v = roundTrip({ xs: [3, 1, 2] });
  assert.equal(Array.isArray(v.xs), true);
  assert.deepEqual([...v.xs], [3, 1, 2]);
  assert.deepEqual(v.xs.map((x) => x * 2), [6, 2, 4]);
  assert.equal(v.xs.reduce((a, b) => a + b, 0), 6);
  assert.deepEqual(Object.keys(v.xs), ['0', '1', '2']);
  assert.equal(v.xs[3], undefined);
});

test('every scalar type decodes to its JavaScript value', () => {
  const v = roundTrip({ n: null, t: true, f: false, i: -7, u: 200, big: 2n ** 62n, x: 0.25, zero: 0.5 - 0.5, s: 'héllo ✓', b: new Uint8Array([9, 8]) });
  assert.equal(v.n, null);
  assert.equal(v.t, true);
  assert.equal(v.f, false);
  assert.equal(v.i, -7);
  assert.equal(v.u, 200);
  assert.equal(v.big, 2n ** 62n);
  assert.equal(v.x, 0.25);
  assert.equal(v.zero, 0);
  assert.equal(v.s, 'héllo ✓');
  assert.deepEqual([...v.b], [9, 8]);
});

test('keys are found whatever their characters, in byte order', () => {
  const keys = { a: 1, Z: 2, é: 3, '😀': 4, '\uffff': 5, 'a.b': 6, '': 7 };
  const v = roundTrip(keys);
  for (const [k, want] of Object.entries(keys)) {
    assert.equal(v[k], want, `key ${JSON.stringify(k)}`);
  }
  assert.deepEqual(Object.keys(v), ['', 'Z', 'a', 'a.b', 'é', '\uffff', '😀']);
});

test('views are read-only', () => {
  const v = roundTrip({ a: { b: 1 }, l: [1] });
  assert.throws(() => { v.a.b = 2; }, /read-only/);
  assert.throws(() => { delete v.a; }, /read-only/);
  assert.throws(() => { v.l[0] = 2; }, /read-only/);
  assert.throws(() => v.l.push(2), /read-only/);
});

test('views spread, stringify and copy like plain values', () => {
  const v = roundTrip({ a: { b: [1, { c: 'd' }] }, e: 2.5 });
  assert.equal(JSON.stringify(v), '{"a":{"b":[1,{"c":"d"}]},"e":2.5}');
  assert.deepEqual({ ...v.a }, { b: v.a.b });
  assert.deepEqual(toJS(v), { a: { b: [1, { c: 'd' }] }, e: 2.5 });
  assert.equal(toJS(5), 5);
});

test('wide values (64-bit slots, as any float forces) are read correctly', () => {
  const v = roundTrip({ floats: [1.5, 2.5], nested: [{ deep: { x: 1.25 } }], big: 2 ** 40 });
  assert.deepEqual(toJS(v), { big: 2 ** 40, floats: [1.5, 2.5], nested: [{ deep: { x: 1.25 } }] });
});

test('a buffer too short to be a value is refused', () => {
  assert.throws(() => fb.root(new ArrayBuffer(2)), /at least 3 bytes/);
});
