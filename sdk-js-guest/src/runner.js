// Runs a node locally, outside the host, through the same runtime the host loads into its sandbox:
// inputs are encoded to FlexBuffers and read back through lazy views, results are encoded and decoded
// again, and failures, ports, logs and grants behave as in the host.
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRuntime, EMIT_BYTES, EMIT_INPUT, PENDING } from './runtime.js';
import { encode } from './encode.js';
import * as fb from './reader.js';
import { toPlain } from './values.js';

function bytesOf(value) {
  const u8 = encode(value);
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
}

function decode(buffer, offset, length) {
  return toPlain(fb.root(new DataView(buffer, offset, length)));
}

/** Loads a node module (a file path or an already imported namespace) and returns its node function. */
export async function loadNode(moduleOrPath) {
  const namespace = typeof moduleOrPath === 'string'
    ? await import(pathToFileURL(path.resolve(moduleOrPath)).href)
    : moduleOrPath;
  return createRuntime({}).load(namespace);
}

/**
 * Runs a node once.
 *
 * @param node the node function, a module namespace, or a path to a module
 * @param {object} [options]
 * @param options.input the primary input (any JSON-like value; it also fires into port `in`)
 * @param options.inputs more inputs: [{ port, value, source?, sourcePort? }]
 * @param options.params the node's `params` config
 * @param options.env names of granted environment variables (read from process.env)
 * @param options.secrets names of granted secrets (read from XERV_SECRET_<NAME>)
 * @param options.ports the ports the node may fire besides `out`, as in its config; omit for any
 * @param options.now a fixed clock (ms since the epoch); defaults to the real clock
 * @param options.random a function returning numbers in [0, 1); defaults to Math.random
 * @param options.scriptName the file name to find in stack traces, for failure locations
 * @returns {Promise<{port: string, value: unknown, logs: string[]} | {error: string, logs: string[]}>}
 */
export async function runNode(node, options = {}) {
  const fn = typeof node === 'function' ? node : await loadNode(node);
  const logs = [];
  const traceId = randomUUID();
  const env = new Set(options.env ?? []);
  const secrets = new Set(options.secrets ?? []);
  const random = options.random ?? Math.random;
  const primary = bytesOf(options.input ?? null);
  const inputs = [['trigger', 'out', 'in', primary]];
  for (const i of options.inputs ?? []) {
    inputs.push([i.source ?? 'upstream', i.sourcePort ?? 'out', i.port, bytesOf(i.value)]);
  }
  const host = {
    log: (level, message) => logs.push(`${level} ${message}`),
    now: () => options.now ?? Date.now(),
    random: () => random(),
    uuid: () => randomUUID(),
    env: (name) => (env.has(name) ? process.env[name] ?? null : null),
    secret: (name) => (secrets.has(name) ? process.env[`XERV_SECRET_${name}`] ?? null : null),
    config: () => bytesOf(options.params ?? {}),
    inputs: () => inputs.flat(),
    traceId: () => traceId,
    nodeId: () => options.nodeId ?? 'node',
    attempt: () => 1,
  };
  const scriptName = options.scriptName ?? (typeof node === 'string' ? path.basename(node) : null);
  const runtime = createRuntime(host, { scriptName, ports: options.ports ?? null });
  let r = runtime.invoke(fn, primary);
  if (r[0] === PENDING) {
    // The host runs a node's promise jobs before it returns; here they run on the next turns.
    await new Promise((resolve) => setImmediate(resolve));
    r = runtime.settled();
  }
  const declared = options.ports ?? null;
  if (r[0] === EMIT_BYTES || r[0] === EMIT_INPUT) {
    const port = r[1];
    if (declared !== null && port !== 'out' && !declared.includes(port)) {
      return { error: `the node fired port '${port}', which its config does not declare (ports: ${declared.join(', ')})`, logs };
    }
    if (r[0] === EMIT_INPUT) {
      const bytes = r[2] === -1 ? primary : inputs[r[2]][3];
      return { port, value: decode(bytes, 0, bytes.byteLength), logs };
    }
    return { port, value: decode(r[2], r[3], r[4]), logs };
  }
  return { error: r[1] === null ? r[2] : `${r[2]} (${r[1]})`, logs };
}
