import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode } from '../src/runner.js';

test('a returned value fires out', async () => {
  const r = await runNode((input) => ({ doubled: input.x * 2 }), { input: { x: 21 } });
  assert.deepEqual(r, { port: 'out', value: { doubled: 42 }, logs: [] });
});

test('emit fires the named port, and a declared port list is enforced', async () => {
  const node = (input, ctx) => ctx.emit(input.port, { ok: true });
  assert.equal((await runNode(node, { input: { port: 'valid' }, ports: ['valid', 'invalid'] })).port, 'valid');
  assert.match((await runNode(node, { input: { port: 'other' }, ports: ['valid'] })).error, /port 'other' is not declared/);
  assert.match((await runNode(node, { input: { port: 'error' } })).error, /not a port name/);
});

test('a node fires one port per run', async () => {
  const r = await runNode((input, ctx) => { ctx.emit('a', 1); ctx.emit('b', 2); }, { input: {} });
  assert.match(r.error, /one port per run/);
  const both = await runNode((input, ctx) => { ctx.emit('a', 1); return 5; }, { input: {} });
  assert.match(both.error, /both called emit\(\)\/fail\(\) and returned a value/);
});

test('an input returned unchanged is passed on', async () => {
  const r = await runNode((input) => input, { input: { a: [1, { b: 2 }] } });
  assert.deepEqual(r.value, { a: [1, { b: 2 }] });
});

test('fail and throws become failures; non-Error values are described', async () => {
  assert.equal((await runNode((i, ctx) => ctx.fail('no lines'), {})).error, 'no lines');
  assert.equal((await runNode(() => { throw new TypeError('bad'); }, {})).error, 'TypeError: bad');
  assert.equal((await runNode(() => { throw 42; }, {})).error, 'the node threw 42, not an Error');
  assert.equal((await runNode(() => { throw { code: 1 }; }, {})).error, 'the node threw {"code":1}, not an Error');
});

test('a failure in a script file names its line', async () => {
  const r = await runNode(new URL('./fixtures/throws.js', import.meta.url).pathname, { input: { amount: -1 } });
  assert.equal(r.error, 'RangeError: amount -1 is negative (throws.js:4)');
});

test('logs keep their levels; non-strings are JSON', async () => {
  const r = await runNode((input, ctx) => { ctx.log.info('a', 1, { b: 2 }); ctx.log.error('e'); return null; }, {});
  assert.deepEqual(r.logs, ['INFO a 1 {"b":2}', 'ERROR e']);
});

test('only granted env and secrets are readable', async () => {
  process.env.XERV_RUNNER_VISIBLE = 'v';
  process.env.XERV_SECRET_TOKEN = 't';
  const node = (i, ctx) => ({
    visible: ctx.env('XERV_RUNNER_VISIBLE'), home: ctx.env('HOME') ?? 'absent',
    token: ctx.secret('TOKEN'), other: ctx.secret('OTHER') ?? 'absent',
  });
  const r = await runNode(node, { env: ['XERV_RUNNER_VISIBLE'], secrets: ['TOKEN', 'OTHER'] });
  assert.deepEqual(r.value, { home: 'absent', other: 'absent', token: 't', visible: 'v' });
  const none = await runNode(node, {});
  assert.deepEqual(none.value, { home: 'absent', other: 'absent' });
});

test('params, other ports, clock and ids come from the context', async () => {
  const r = await runNode((input, ctx) => ({
    t: ctx.config.threshold, side: ctx.input('side').n, from: ctx.inputs.map((i) => `${i.source}->${i.port}`),
    now: ctx.now(), r: ctx.random(), uuid: /^[0-9a-f-]{36}$/.test(ctx.uuid()), node: ctx.nodeId, attempt: ctx.attempt,
  }), { params: { threshold: 0.5 }, inputs: [{ port: 'side', value: { n: 3 }, source: 'up' }], now: 1000, random: () => 0.25 });
  assert.deepEqual(r.value, { attempt: 1, from: ['trigger->in', 'up->side'], node: 'node', now: 1000, r: 0.25, side: 3, t: 0.5, uuid: true });
});

test('async nodes settle', async () => {
  assert.deepEqual((await runNode(async (input) => ({ v: await Promise.resolve(input.x) }), { input: { x: 1 } })).value, { v: 1 });
  assert.equal((await runNode(async () => { throw new Error('late'); }, {})).error, 'Error: late');
});

test('an unencodable result fails with the path', async () => {
  const r = await runNode(() => { const a = {}; a.self = a; return a; }, {});
  assert.equal(r.error, "the node's result cannot be stored: cannot encode $.self: it refers back to itself (a cycle)");
});
