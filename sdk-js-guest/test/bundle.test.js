import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNode } from '../src/bundle.js';
import { runNode } from '../src/runner.js';
import { buildRuntime, RUNTIME_BUNDLE, SDK_MODULE, SDK_SOURCE } from '../scripts/build-runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));

test('a node using an npm library bundles into one module with no imports left', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xerv-bundle-'));
  const out = path.join(dir, 'node.js');
  await bundleNode(path.join(here, 'fixtures/uses-npm-lib.js'), out);
  const text = fs.readFileSync(out, 'utf8');
  assert.doesNotMatch(text, /^\s*import\s/m, 'every import is inlined');
  assert.match(text, /export\s*\{[^}]*as default/);
  const r = await runNode(out, { input: { name: 'Ada' } });
  assert.deepEqual(r.value.decoded, { greeting: 'hello Ada' });
});

test('bundling refuses Node.js built-ins, naming the import', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xerv-bundle-'));
  await assert.rejects(bundleNode(path.join(here, 'fixtures/uses-fs.js'), path.join(dir, 'x.js')),
    /uses-fs\.js:2: 'node:fs' is a Node\.js built-in; the Xerv sandbox has no file system/);
});

test('the runtime bundle the host loads is built from these sources', async () => {
  assert.equal(fs.readFileSync(RUNTIME_BUNDLE, 'utf8'), await buildRuntime({ write: false }),
    'js-bridge/src/main/resources/io/xerv/js/xerv-runtime.js is stale: run npm run build in sdk-js-guest');
  assert.equal(fs.readFileSync(SDK_MODULE, 'utf8'), fs.readFileSync(SDK_SOURCE, 'utf8'),
    'js-bridge/src/main/resources/io/xerv/js/xerv-sdk.mjs is stale: run npm run build in sdk-js-guest');
});
