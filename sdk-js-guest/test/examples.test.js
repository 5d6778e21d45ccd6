import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runNode } from '../src/runner.js';
import { mandelbrot } from '../examples/mandelbrot.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = (name) => path.join(root, 'examples', name);
const sample = (name) => JSON.parse(fs.readFileSync(example(name), 'utf8'));

test('the fraud scorer reads nested fields and flags the risky order', async () => {
  const r = await runNode(example('fraud-scorer.js'), { input: sample('fraud-scorer.input.json'), params: { threshold: 0.7 } });
  assert.equal(r.port, 'out');
  assert.deepEqual(r.value, {
    id: 'ORD-7731', amount: 2450, risk_score: 1, flagged: true,
    reasons: ['large amount', 'device country differs from billing country', 'new account', 'many gift cards'],
  });
  assert.deepEqual(r.logs, ['WARN order ORD-7731 scored 1.00 (threshold 0.70)']);
  const safe = await runNode(example('fraud-scorer.js'), {
    input: { id: 'ORD-1', amount: 40, customer: { account_age_days: 900, address: { country: 'FR' } }, device: { ip_country: 'FR' } },
  });
  assert.deepEqual(safe.value, { id: 'ORD-1', amount: 40, risk_score: 0, flagged: false, reasons: [] });
});

test('the order router fires valid or invalid', async () => {
  const ok = await runNode(example('order-router.js'), { input: sample('order-router.input.json'), ports: ['valid', 'invalid'], now: 1_700_000_000_000 });
  assert.equal(ok.port, 'valid');
  assert.deepEqual(ok.value, { id: 'ORD-88', email: 'ada@example.com', currency: 'GBP', lines: 2, total: 39.98,
    received_at_ns: '1700000000000000000' });
  const bad = await runNode(example('order-router.js'), { input: { email: 'nope', items: [{ qty: 0 }] }, ports: ['valid', 'invalid'] });
  assert.equal(bad.port, 'invalid');
  assert.deepEqual(bad.value.problems, ['id is missing', "email 'nope' is not an address", 'items[0] needs a positive qty and a price']);
  assert.deepEqual(bad.logs, ["WARN order '' rejected: id is missing; email 'nope' is not an address; items[0] needs a positive qty and a price"]);
});

test('the mandelbrot node computes the same numbers as the Rust example', async () => {
  assert.deepEqual(mandelbrot(4, 3, 10), mandelbrot(4, 3, 10));
  const r = await runNode(example('mandelbrot.js'), { input: sample('mandelbrot.input.json') });
  assert.deepEqual(r.value, { width: 160, height: 120, max_iter: 500, inside: 3255, checksum: 'f240eafef044c646' });
});

test('the xerv-node command prints the result and exits 0, or the error and exits 1', () => {
  const cli = path.join(root, 'bin/xerv-node.js');
  const out = execFileSync(process.execPath, [cli, example('mandelbrot.js'), '--input-json', '{"width": 8, "height": 8, "max_iter": 20}'],
    { encoding: 'utf8' });
  assert.equal(JSON.parse(out).port, 'out');
  const failed = spawnSync(process.execPath, [cli, path.join(root, 'test/fixtures/throws.js'), '--input-json', '{"amount": -2}'],
    { encoding: 'utf8' });
  assert.equal(failed.status, 1);
  assert.deepEqual(JSON.parse(failed.stdout), { error: 'RangeError: amount -2 is negative (throws.js:4)' });
  const logged = spawnSync(process.execPath, [cli, example('fraud-scorer.js'), '--input', example('fraud-scorer.input.json')],
    { encoding: 'utf8' });
  assert.equal(logged.stderr, 'WARN order ORD-7731 scored 1.00 (threshold 0.80)\n');
  const usage = spawnSync(process.execPath, [cli], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^usage: xerv-node <node.js>/);
});
