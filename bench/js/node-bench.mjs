// The Node.js side of the JS benchmarks: the same functions as the JMH benchmarks in
// bench/src/main/java/io/xerv/bench/js, through the same SDK runtime, timed in this process.
//   node bench/js/node-bench.mjs [input.bin]
// input.bin: the decode benchmark's input as the host encodes it (JsDecodeBench's main writes it);
// without it, the same records are encoded here by the SDK.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { mandelbrot } from '../../sdk-js-guest/examples/mandelbrot.js';
import { createRuntime } from '../../sdk-js-guest/src/runtime.js';
import { encode } from '../../sdk-js-guest/src/encode.js';
import { toJS } from '../../sdk-js-guest/src/index.js';

const RECORDS = 7400;

function decodeInput() {
  if (process.argv[2] !== undefined) {
    const b = fs.readFileSync(process.argv[2]);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  const records = [];
  for (let i = 0; i < RECORDS; i++) {
    records.push({ id: `R-${i}`, amount: (i % 1000) + 0.25, customer: { country: i % 2 === 0 ? 'FR' : 'US', tier: i % 5 }, tags: [`a${i % 7}`, 'b'] });
  }
  const u8 = encode({ records });
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);
}

/** Runs fn until `warmupMs` passed, then `runs` timed calls; returns the median and mean in ms. */
function time(fn, { warmupMs = 10_000, runs = 30 } = {}) {
  const end = performance.now() + warmupMs;
  while (performance.now() < end) {
    fn();
  }
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], mean: t.reduce((a, b) => a + b, 0) / t.length, min: t[0] };
}

const host = { log() {}, now: () => 1_700_000_000_000, random: Math.random, uuid: () => '0', env: () => null,
  secret: () => null, config: () => new ArrayBuffer(0), inputs: () => [], traceId: () => 't', nodeId: () => 'n', attempt: () => 1 };
const runtime = createRuntime(host, { scriptName: 'bench.js' });

const input = decodeInput();
const results = {
  node: process.version,
  'mandelbrot 160x120x500 (function)': time(() => mandelbrot(160, 120, 500)),
  'mandelbrot 160x120x500 (through the SDK runtime)': time(() => runtime.invoke(
    () => mandelbrot(160, 120, 500), null)),
  [`decode ${(input.byteLength / 1048576).toFixed(2)} MiB (${process.argv[2] ? 'host-encoded bytes' : 'encoded by the SDK'}): lazy sum of one field per record`]: time(() => runtime.invoke((v) => {
    let sum = 0;
    for (const r of v.records) sum += r.amount;
    return sum;
  }, input), { warmupMs: 5000 }),
  [`decode ${(input.byteLength / 1048576).toFixed(2)} MiB (${process.argv[2] ? 'host-encoded bytes' : 'encoded by the SDK'}): whole value to plain objects`]: time(() => runtime.invoke(
    (v) => toJS(v).records.length, input), { warmupMs: 5000 }),
};
for (const [k, v] of Object.entries(results)) {
  console.log(typeof v === 'string' ? `# ${k} ${v}` : `${k}: median ${v.median.toFixed(3)} ms, mean ${v.mean.toFixed(3)} ms, min ${v.min.toFixed(3)} ms`);
}
