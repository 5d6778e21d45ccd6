// Entry point of the bundle the Xerv host evaluates first in every sandboxed context. It leaves one
// global, __xervBootstrap, which the host calls once with its callbacks and which removes itself.
import { createRuntime } from './runtime.js';

// Globals a GraalJS context may define that a node has no business with (most are absent already,
// since the host disables them); deleting is harmless when they are not there.
const HOST_GLOBALS = ['Java', 'Polyglot', 'Graal', 'load', 'loadWithNewGlobal', 'print', 'printErr', 'quit',
  'exit', 'read', 'readbuffer', 'readline', 'Packages', 'java', 'javax', 'com', 'org', 'edu', 'net'];

globalThis.__xervBootstrap = function bootstrap(host, scriptName, ports) {
  delete globalThis.__xervBootstrap;
  const runtime = createRuntime(host, {
    scriptName,
    ports: ports === null || ports === undefined ? null : String(ports).split(','),
  });
  // Clock and random numbers come from the trace, so that a replay sees what the first run saw.
  Math.random = () => host.random();
  Date.now = () => host.now();
  const log = runtime.log;
  globalThis.console = Object.freeze({ log: log.info, info: log.info, warn: log.warn, error: log.error, debug: log.debug });
  for (const name of HOST_GLOBALS) {
    delete globalThis[name];
  }
  return runtime;
};
