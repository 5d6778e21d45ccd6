import type { NodeFunction } from './index.js';

export interface RunOptions {
  /** The primary input (it also fires into port `in`). */
  input?: unknown;
  /** More inputs fired into named ports. */
  inputs?: { port: string; value: unknown; source?: string; sourcePort?: string }[];
  /** The node's `params` config. */
  params?: Record<string, unknown>;
  /** Granted environment variables, read from process.env. */
  env?: string[];
  /** Granted secrets, read from XERV_SECRET_<NAME>. */
  secrets?: string[];
  /** Ports the node may fire besides `out`, as in its config; omit for any. */
  ports?: string[] | null;
  /** A fixed clock, in ms since the epoch. */
  now?: number;
  /** Random numbers in [0, 1). */
  random?: () => number;
  /** The script's file name, to locate failures in it. */
  scriptName?: string;
  nodeId?: string;
}

export type RunResult =
  | { port: string; value: unknown; logs: string[] }
  | { error: string; logs: string[] };

/** Runs a node once with the host's semantics: a function, a module namespace, or a path to a module. */
export function runNode(node: NodeFunction | object | string, options?: RunOptions): Promise<RunResult>;

/** Loads a node module and returns its node function. */
export function loadNode(moduleOrPath: object | string): Promise<NodeFunction>;
