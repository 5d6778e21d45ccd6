// What a node's own code imports. The runtime itself is provided by the host (or by the local
// runner), so this module stays tiny and bundles into a node at almost no cost.

const PLAIN = Symbol.for('xerv.plain');

/**
 * Marks a function as a Xerv node and gives editors its types. Use it as the default export:
 * `export default defineNode((input, ctx) => ({ ok: true }))`.
 */
export function defineNode(fn) {
  if (typeof fn !== 'function') {
    throw new TypeError('defineNode() takes the node function');
  }
  return fn;
}

/**
 * A plain copy of a value: input views (decoded lazily from arena bytes) are decoded in full into
 * ordinary objects and arrays; other values come back as they are.
 */
export function toJS(value) {
  if (value !== null && typeof value === 'object') {
    const plain = value[PLAIN];
    if (typeof plain === 'function') {
      return plain();
    }
  }
  return value;
}
