#!/usr/bin/env node
// xerv-bundle: turn a node and the npm libraries it imports into one ES module the sandbox can load.
import { parseArgs } from 'node:util';
import { bundleNode } from '../src/bundle.js';

const USAGE = `usage: xerv-bundle <node.js> -o <out.js> [--minify]

Bundles the node module and everything it imports into one ES module with its default export, for a
flow's \`script:\`. The sandbox has no file system, network or Node.js built-ins: imports of those fail
here, at bundle time.
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string', short: 'o' }, minify: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help || positionals.length !== 1 || values.out === undefined) {
  process.stderr.write(USAGE);
  process.exitCode = values.help ? 0 : 2;
} else {
  bundleNode(positionals[0], values.out, { minify: values.minify ?? false }).then((r) => {
    process.stderr.write(`wrote ${values.out} (${r.bytes} bytes)\n`);
  }, (e) => {
    process.stderr.write(`xerv-bundle: ${e.message}\n`);
    process.exitCode = 1;
  });
}
