// Times the Rust SDK's mandelbrot example on Node's V8: the exported mandelbrot(width, height,
// max_iter) of the same .wasm file WasmComputeBench runs on Chicory, with the same arguments.
//   node bench/wasm/v8.mjs <mandelbrot.wasm> [size=400] [maxIter=500] [warmup=20] [runs=30]
import { readFileSync } from 'node:fs';

const [file, size = '400', maxIter = '500', warmup = '20', runs = '30'] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(file));
// The guest's host imports are never called by this export: stubs that return zero satisfy the linker.
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind === 'function') {
    (imports[imp.module] ??= {})[imp.name] = () => 0;
  }
}
const { exports } = new WebAssembly.Instance(module, imports);
const n = Number(size), it = Number(maxIter);
let result = 0n;
for (let i = 0; i < Number(warmup); i++) {
  result = exports.mandelbrot(n, n, it);
}
const times = [];
for (let i = 0; i < Number(runs); i++) {
  const t0 = process.hrtime.bigint();
  result = exports.mandelbrot(n, n, it);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`v8 ${process.version} mandelbrot size=${n} maxIter=${it}: median ${times[times.length >> 1].toFixed(3)} ms,`
  + ` mean ${mean.toFixed(3)} ms, min ${times[0].toFixed(3)} ms over ${times.length} runs (result ${result})`);
