// The runtime between a host and a node: decodes inputs lazily, gives the node its context, and turns
// what the node returned (or threw) into a result the host reads. The Xerv host loads a bundle of this
// file into every sandboxed context; the local runner (src/runner.js) uses it as it is, so both run a
// node with the same semantics.
import { encode } from './encode.js';
import { inputIndexOf, rootView } from './values.js';

/** Result kinds, the first element of the array invoke() returns. */
export const EMIT_BYTES = 0;
export const EMIT_INPUT = 1;
export const FAIL = 2;
export const PENDING = 3;

const PRIMARY = -1;
const MAX_MESSAGE = 4096;
const PORT = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

class Outcome {
  constructor(kind, port, value) {
    this.kind = kind;
    this.port = port;
    this.value = value;
  }
}

/**
 * Creates a runtime over a host.
 *
 * @param host functions the host provides: log(level, message), now(), random(), uuid(), env(name),
 *     secret(name), config() -> bytes, inputs() -> [source, sourcePort, port, bytes, ...], traceId(),
 *     nodeId(), attempt(); bytes are an ArrayBuffer or anything `new ArrayBuffer(x)` accepts
 * @param options scriptName (to find the node's own frames in stack traces), ports (allowed output
 *     ports, or null for any)
 */
export function createRuntime(host, options = {}) {
  const scriptName = options.scriptName ?? null;
  const ports = options.ports ?? null;
  let settledResult = null;

  function arrayBuffer(bytes) {
    return bytes instanceof ArrayBuffer ? bytes : new ArrayBuffer(bytes);
  }

  function text(args) {
    let s = '';
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      s += (i > 0 ? ' ' : '') + (typeof a === 'string' ? a : describe(a));
    }
    return s.length > MAX_MESSAGE ? s.slice(0, MAX_MESSAGE) + '…' : s;
  }

  const log = {
    debug: (...a) => host.log('DEBUG', text(a)),
    info: (...a) => host.log('INFO', text(a)),
    warn: (...a) => host.log('WARN', text(a)),
    error: (...a) => host.log('ERROR', text(a)),
  };

  // One per call. Methods live on the prototype, so a call allocates this object and nothing else
  // until the node asks for something.
  class CallContext {
    constructor() {
      this.outcome = null;
      this.configView = undefined;
      this.inputList = undefined;
    }

    get nodeId() { return host.nodeId(); }
    get traceId() { return host.traceId(); }
    get attempt() { return host.attempt(); }
    get log() { return log; }

    get config() {
      if (this.configView === undefined) {
        this.configView = rootView(arrayBuffer(host.config()));
      }
      return this.configView;
    }

    get inputs() {
      if (this.inputList === undefined) {
        const flat = host.inputs();
        const inputs = [];
        for (let i = 0; i + 3 < flat.length; i += 4) {
          inputs.push(Object.freeze({
            source: flat[i], sourcePort: flat[i + 1], port: flat[i + 2],
            value: rootView(arrayBuffer(flat[i + 3]), inputs.length),
          }));
        }
        this.inputList = Object.freeze(inputs);
      }
      return this.inputList;
    }

    input(port) {
      for (const i of this.inputs) {
        if (i.port === port) {
          return i.value;
        }
      }
      return undefined;
    }

    now() { return host.now(); }
    random() { return host.random(); }
    uuid() { return host.uuid(); }
    env(name) { return host.env(String(name)) ?? undefined; }
    secret(name) { return host.secret(String(name)) ?? undefined; }

    emit(port, value) {
      if (typeof port !== 'string' || !PORT.test(port) || port === 'error') {
        throw new TypeError(`emit(): ${describe(port)} is not a port name (letters, digits, _ and -; 'error' is taken by fail())`);
      }
      if (ports !== null && port !== 'out' && !ports.includes(port)) {
        throw new TypeError(`emit(): port '${port}' is not declared; declared ports: ${ports.join(', ')}`);
      }
      if (this.outcome !== null) {
        throw new Error('a node fires one port per run; emit() or fail() was already called');
      }
      this.outcome = new Outcome(EMIT_BYTES, port, value);
      return this.outcome;
    }

    fail(message) {
      if (this.outcome !== null) {
        throw new Error('a node fires one port per run; emit() or fail() was already called');
      }
      this.outcome = new Outcome(FAIL, 'error', String(message));
      return this.outcome;
    }
  }

  function finish(call, returned) {
    let outcome = call.outcome;
    if (outcome === null) {
      outcome = returned instanceof Outcome ? returned : new Outcome(EMIT_BYTES, 'out', returned);
    } else if (returned !== undefined && returned !== outcome) {
      return [FAIL, null, 'the node both called emit()/fail() and returned a value; do one or the other'];
    }
    if (outcome.kind === FAIL) {
      return [FAIL, null, outcome.value];
    }
    const index = inputIndexOf(outcome.value);
    if (index !== undefined) {
      return [EMIT_INPUT, outcome.port, index];
    }
    try {
      const bytes = encode(outcome.value);
      return [EMIT_BYTES, outcome.port, bytes.buffer, bytes.byteOffset, bytes.byteLength];
    } catch (e) {
      return [FAIL, null, `the node's result cannot be stored: ${e instanceof Error ? e.message : describe(e)}`];
    }
  }

  function thrown(e) {
    const where = locate(e);
    const message = e instanceof Error ? `${e.name}: ${e.message}` : `the node threw ${describe(e)}, not an Error`;
    return [FAIL, where, message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) + '…' : message];
  }

  function locate(e) {
    if (!(e instanceof Error) || scriptName === null) {
      return null;
    }
    let stack;
    try {
      stack = String(e.stack);
    } catch {
      return null;
    }
    for (const line of stack.split('\n')) {
      const m = /([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
      if (m !== null && (m[1] === scriptName || m[1].endsWith('/' + scriptName))) {
        return `${scriptName}:${m[2]}`;
      }
    }
    return null;
  }

  return {
    /** The node function a module exports: its default export, or a function named execute. */
    load(namespace) {
      const fn = namespace?.default ?? namespace?.execute;
      if (typeof fn !== 'function') {
        throw new TypeError('the script exports no node: write `export default function (input, ctx) { ... }`');
      }
      return fn;
    },

    /**
     * Runs a node once. Returns [EMIT_BYTES, port, ArrayBuffer, offset, length], [EMIT_INPUT, port, index] (-1 for the
     * primary input), [FAIL, location|null, message], or [PENDING] when the node returned a promise:
     * then settled() has the result once the promise settles.
     */
    invoke(fn, primary) {
      const call = new CallContext();
      settledResult = null;
      let returned;
      try {
        const input = primary === null || primary === undefined ? null : rootView(arrayBuffer(primary), PRIMARY);
        returned = fn(input, call);
      } catch (e) {
        return thrown(e);
      }
      if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
        settledResult = [FAIL, null, 'the node returned a promise that never settled (the sandbox has no timers or I/O)'];
        returned.then((v) => { settledResult = finish(call, v); }, (e) => { settledResult = thrown(e); });
        return [PENDING];
      }
      return finish(call, returned);
    },

    /**
     * Runs the runtime's own paths (decode, context, encode) a few times on a sample value, so that a
     * new context's first real call does not pay for them cold. Touches no host callback.
     */
    warmUp() {
      const sample = encode({ id: 'warm-up', amount: 12.5, n: 3, ok: true, tags: ['a', 'b'], nested: { list: [1, 2.5, null] } });
      const bytes = sample.buffer.slice(sample.byteOffset, sample.byteOffset + sample.byteLength);
      let last = null;
      for (let i = 0; i < 20; i++) {
        const v = rootView(bytes);
        last = encode({ id: v.id, total: v.amount * v.n, tags: [...v.tags], nested: v.nested, ok: v.ok });
      }
      return last.byteLength;
    },

    /** The result of the last invoke() that returned PENDING. */
    settled() {
      return settledResult;
    },

    log,
  };
}

/** A short text for any value, safe for values whose methods throw. */
export function describe(v) {
  try {
    if (typeof v === 'string') {
      return JSON.stringify(v.length > 200 ? v.slice(0, 200) + '…' : v);
    }
    if (v === null || typeof v !== 'object') {
      return String(v);
    }
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
    return s === undefined ? Object.prototype.toString.call(v) : s.length > 200 ? s.slice(0, 200) + '…' : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
