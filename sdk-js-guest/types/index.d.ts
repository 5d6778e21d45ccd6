// Types for Xerv JavaScript nodes. A node is an ES module whose default export is a NodeFunction.

/** A value of the Xerv data model as a node reads it. Maps and lists of inputs are lazy, read-only views. */
export type XervValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly XervValue[]
  | { readonly [key: string]: XervValue };

/**
 * What a node may return: JSON-like data. Whole numbers become integers and others floats; a bigint is
 * a 64-bit integer; a Uint8Array (or any typed array) is bytes; objects with toJSON() (Date) are encoded
 * as what it returns; undefined map entries are left out. Cycles, functions and symbols are errors.
 */
export type Output =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | ArrayBufferView
  | ArrayBuffer
  | Date
  | readonly Output[]
  | Map<string, Output>
  | object;

/** A value that reached the node over one incoming edge. */
export interface NodeInput<T = XervValue> {
  /** The node (or trigger) the edge comes from. */
  readonly source: string;
  /** The port of the source that fired. */
  readonly sourcePort: string;
  /** The input port of this node the edge enters. */
  readonly port: string;
  /** The value, a lazy view of arena bytes. */
  readonly value: T;
}

/** The outcome of emit() or fail(); return it from the node (or just call the function). */
export interface Outcome {
  readonly kind: number;
  readonly port: string;
}

/** A node's log, kept with the trace. Arguments that are not strings are written as JSON. */
export interface NodeLog {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What a node sees while it runs. Valid only during the call it was passed to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface NodeContext<P = { readonly [key: string]: any }> {
  /** This node's id in the flow. */
  readonly nodeId: string;
  /** The trace this run belongs to. */
  readonly traceId: string;
  /** 1 for the first run; higher after a retry or a recovery. */
  readonly attempt: number;
  /** The node's `params` config, with selectors resolved for this trace. */
  readonly config: P;
  /** Every value that fired into this node, in the order of the flow's edges. */
  readonly inputs: readonly NodeInput[];
  /** The first value that fired into the named input port, or undefined. */
  input(port: string): XervValue | undefined;
  /** The trace's log. */
  readonly log: NodeLog;
  /** The trace's clock, in ms since the epoch (Date.now() reads it too). Replays see the same. */
  now(): number;
  /** A random number in [0, 1) from the trace (Math.random() reads it too). Replays see the same. */
  random(): number;
  /** A random (version 4) UUID from the trace. */
  uuid(): string;
  /** A granted environment variable (config `env`), or undefined when not granted or not set. */
  env(name: string): string | undefined;
  /** A granted secret (config `secrets`), or undefined when not granted or not set. */
  secret(name: string): string | undefined;
  /** Fires `port` with `value` instead of `out`. A node fires one port per run. */
  emit(port: string, value: Output): Outcome;
  /** Fails this run: the node's `error` port fires (or the trace fails) with `message`. */
  fail(message: string): Outcome;
}

/**
 * A node: receives the primary input (the first value that fired into port `in`, or the trigger's
 * payload) and its context; returns the value for port `out`, or the Outcome of emit()/fail(). It may
 * be async, but the sandbox has no timers or I/O, so its promise must settle on its own.
 */
// The input defaults to any, as JSON.parse does; give I (and P for params) to have them checked.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeFunction<I = any, P = { readonly [key: string]: any }> =
  (input: I, ctx: NodeContext<P>) => Output | Outcome | Promise<Output | Outcome>;

/** Marks a function as a node (for editors and types); returns it unchanged. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defineNode<I = any, P = { readonly [key: string]: any }>(
  fn: NodeFunction<I, P>,
): NodeFunction<I, P>;

/** A plain copy of a value: lazy input views are decoded in full; other values come back as they are. */
export function toJS<T>(value: T): T;
