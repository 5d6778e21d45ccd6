// Bundles the sandbox runtime (src/sandbox.js and what it imports) into one script for the Xerv host's
// GraalJS contexts, written where the js-bridge module loads it from. The bundle is committed; the SDK
// tests check that it matches the sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RUNTIME_BUNDLE = path.resolve(here, '../../js-bridge/src/main/resources/io/xerv/js/xerv-runtime.js');
/** The SDK module as nodes import it inside the sandbox (src/index.js has no imports of its own). */
export const SDK_MODULE = path.resolve(here, '../../js-bridge/src/main/resources/io/xerv/js/xerv-sdk.mjs');
export const SDK_SOURCE = path.resolve(here, '../src/index.js');

/** Builds the bundle; with write false, returns its text instead of writing it. */
export async function buildRuntime({ write = true } = {}) {
  const result = await build({
    entryPoints: [path.resolve(here, '../src/sandbox.js')],
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    tsconfigRaw: {},
    banner: { js: '// Generated from sdk-js-guest by `npm run build`; do not edit.' },
    write: false,
    outfile: RUNTIME_BUNDLE,
  });
  const text = result.outputFiles[0].text;
  if (write) {
    const fs = await import('node:fs');
    fs.mkdirSync(path.dirname(RUNTIME_BUNDLE), { recursive: true });
    fs.writeFileSync(RUNTIME_BUNDLE, text);
    fs.copyFileSync(SDK_SOURCE, SDK_MODULE);
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildRuntime();
  console.log(`wrote ${path.relative(process.cwd(), RUNTIME_BUNDLE)}`);
}
