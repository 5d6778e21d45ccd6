// A compute-heavy node: counts the points of a `width` x `height` grid over [-2, 1] x [-1.5, 1.5]
// that stay in the Mandelbrot set for `max_iter` iterations, and a checksum of all iteration counts.
// Same work as the Rust SDK's mandelbrot; bench/js times it in the host and in Node.js.
import { defineNode } from '@xerv/sdk-js-guest';

const TWO_32 = 4294967296;

/**
 * The work itself, exported so that benchmarks can time it alone.
 * @param {number} width @param {number} height @param {number} maxIter
 * @returns {{ inside: number, checksum: string }}
 */
export function mandelbrot(width, height, maxIter) {
  let inside = 0;
  // The checksum is a u64 that wraps, as in the Rust example, kept as two 32-bit halves: BigInt
  // arithmetic in the inner loop would cost more than the iterations themselves.
  let hi = 0;
  let lo = 0;
  for (let py = 0; py < height; py++) {
    const y0 = -1.5 + (3.0 * py) / height;
    for (let px = 0; px < width; px++) {
      const x0 = -2.0 + (3.0 * px) / width;
      let x = 0;
      let y = 0;
      let i = 0;
      while (i < maxIter && x * x + y * y <= 4.0) {
        const t = x * x - y * y + x0;
        y = 2.0 * x * y + y0;
        x = t;
        i++;
      }
      if (i === maxIter) {
        inside++;
      }
      const next = lo * 31 + i;
      lo = next >>> 0;
      hi = (hi * 31 + Math.floor(next / TWO_32)) >>> 0;
    }
  }
  return { inside, checksum: hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0') };
}

const clamp = (v, lo, hi, dflt) => (Number.isInteger(v) ? Math.min(hi, Math.max(lo, v)) : dflt);

export default defineNode((p) => {
  const width = clamp(p.width, 1, 4096, 200);
  const height = clamp(p.height, 1, 4096, 200);
  const maxIter = clamp(p.max_iter, 1, 100_000, 256);
  const { inside, checksum } = mandelbrot(width, height, maxIter);
  return { width, height, max_iter: maxIter, inside, checksum };
});
