#!/usr/bin/env node
// xerv-node: run a Xerv JS node locally with the host's semantics.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runNode } from '../src/runner.js';

const USAGE = `usage: xerv-node <node.js> [options]

Runs the node once and prints {"port", "value"} (exit 0) or {"error"} (exit 1) as JSON; its logs go to
stderr.

  --input <file.json>      the primary input (default: null); '-' reads standard input
  --input-json <json>      the primary input, inline
  --port-input <port=file.json>  another input fired into <port> (repeatable)
  --params <file.json>     the node's params config
  --params-json <json>     the node's params config, inline
  --env <NAME>             grant an environment variable (repeatable)
  --secret <NAME>          grant a secret, read from XERV_SECRET_<NAME> (repeatable)
  --port <name>            declare a port the node may fire besides out (repeatable)
  --now <ms>               a fixed clock, in ms since the epoch
`;

function readJson(file) {
  const text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${e.message})`);
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      'input-json': { type: 'string' },
      'port-input': { type: 'string', multiple: true },
      params: { type: 'string' },
      'params-json': { type: 'string' },
      env: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      port: { type: 'string', multiple: true },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const input = values['input-json'] !== undefined ? JSON.parse(values['input-json'])
    : values.input !== undefined ? readJson(values.input) : null;
  const inputs = (values['port-input'] ?? []).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new Error(`--port-input ${spec}: write <port>=<file.json>`);
    }
    return { port: spec.slice(0, eq), value: readJson(spec.slice(eq + 1)) };
  });
  const params = values['params-json'] !== undefined ? JSON.parse(values['params-json'])
    : values.params !== undefined ? readJson(values.params) : {};
  const result = await runNode(positionals[0], {
    input, inputs, params,
    env: values.env, secrets: values.secret, ports: values.port ?? null,
    now: values.now === undefined ? undefined : Number(values.now),
  });
  for (const line of result.logs) {
    process.stderr.write(line + '\n');
  }
  const { logs, ...shown } = result;
  void logs;
  process.stdout.write(JSON.stringify(shown, (_k, v) => (typeof v === 'bigint' ? v.toString()
    : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)) + '\n');
  return 'error' in result ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`xerv-node: ${e.message}\n`);
  process.exitCode = 2;
});
