// Bundles a node and its npm dependencies into one ES module, the form the host's sandbox loads.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Refuses Node.js built-ins at bundle time: the sandbox has none of them. */
const noBuiltins = {
  name: 'xerv-no-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (NODE_BUILTINS.has(args.path)) {
        return { errors: [{ text: `'${args.path}' is a Node.js built-in; the Xerv sandbox has no file system, network, processes or timers` }] };
      }
      return undefined;
    });
  },
};

/**
 * Writes one ES module holding the node and everything it imports.
 * @returns {Promise<{bytes: number}>}
 */
export async function bundleNode(entry, outfile, { minify = false } = {}) {
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      minify,
      legalComments: 'inline',
      metafile: true,
      logLevel: 'silent',
      plugins: [noBuiltins],
    });
  } catch (e) {
    const first = e.errors?.[0];
    if (first !== undefined) {
      const where = first.location ? `${first.location.file}:${first.location.line}: ` : '';
      throw new Error(`${where}${first.text}`);
    }
    throw e;
  }
  const out = Object.values(result.metafile.outputs)[0];
  return { bytes: out.bytes };
}
