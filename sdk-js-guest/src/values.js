// Lazy views of FlexBuffers values: a map or list is decoded field by field as the node reads it, and
// each field once (views cache what they decoded).
import * as fb from './reader.js';

// Registered symbols, so that a bundled copy of this package recognises the runtime's views.
const REF = Symbol.for('xerv.ref');
const PLAIN = Symbol.for('xerv.plain');
const INPUT_OF = new WeakMap();

/**
 * The root value of FlexBuffers bytes (an ArrayBuffer, possibly over arena bytes) as a lazy view.
 * @param {number} [inputIndex] which input this is, so that returning it unchanged needs no copy
 */
export function rootView(arrayBuffer, inputIndex) {
  const v = view(fb.root(arrayBuffer));
  if (inputIndex !== undefined && v !== null && typeof v === 'object' && v[REF] !== undefined) {
    INPUT_OF.set(v, inputIndex);
  }
  return v;
}

/** The input index a view stands for when it is an input's root; otherwise undefined. */
export function inputIndexOf(value) {
  return value !== null && typeof value === 'object' ? INPUT_OF.get(value) : undefined;
}

/** The FlexBuffers reference behind a view, or undefined for plain values. */
export function refOf(value) {
  return value !== null && typeof value === 'object' ? value[REF] : undefined;
}

/** Decodes a scalar, or wraps a map or list in a lazy view. */
export function view(ref) {
  if (fb.isMap(ref)) {
    return mapView(ref);
  }
  if (fb.isList(ref)) {
    return listView(ref);
  }
  return fb.scalar(ref);
}

function cached(cache, key) {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) {
    return hit;
  }
  const child = fb.get(cache.ref, key);
  const v = child === undefined ? undefined : view(child);
  cache.set(key, v);
  return v;
}

function mapKeys(ref) {
  const n = fb.length(ref);
  const keys = new Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = fb.keyAt(ref, i);
  }
  return keys;
}

const MAP_HANDLER = {
  get(target, key) {
    if (typeof key === 'symbol') {
      if (key === PLAIN) {
        return () => toPlain(target.cache.ref);
      }
      return key === REF ? target.cache.ref : undefined;
    }
    const v = cached(target.cache, key);
    if (v === undefined && key === 'toJSON') {
      return () => toPlain(target.cache.ref);
    }
    return v;
  },
  has(target, key) {
    return typeof key === 'symbol' ? key === REF : cached(target.cache, key) !== undefined
      || fb.get(target.cache.ref, key) !== undefined;
  },
  ownKeys(target) {
    return mapKeys(target.cache.ref);
  },
  getOwnPropertyDescriptor(target, key) {
    if (typeof key === 'symbol' || fb.get(target.cache.ref, key) === undefined) {
      return undefined;
    }
    return { value: cached(target.cache, key), writable: false, enumerable: true, configurable: true };
  },
  set(_t, key) {
    throw new TypeError(`input values are read-only (setting '${String(key)}'); build a new object to return`);
  },
  deleteProperty(_t, key) {
    throw new TypeError(`input values are read-only (deleting '${String(key)}')`);
  },
  defineProperty(_t, key) {
    throw new TypeError(`input values are read-only (defining '${String(key)}')`);
  },
};

function mapView(ref) {
  const cache = new Map();
  cache.ref = ref;
  return new Proxy({ cache }, MAP_HANDLER);
}

function item(target, i) {
  let v = target.items[i];
  if (v === undefined) {
    v = view(fb.at(target.ref, i));
    target.items[i] = v === undefined ? null : v;
  }
  return v;
}

const LIST_HANDLER = {
  get(target, key, receiver) {
    if (typeof key === 'string') {
      const c = key.charCodeAt(0);
      if (c >= 48 && c <= 57) {
        const i = +key;
        return i < target.n && Number.isInteger(i) ? item(target, i) : undefined;
      }
      if (key === 'length') {
        return target.n;
      }
      if (key === 'toJSON') {
        return () => toPlain(target.ref);
      }
    } else if (key === REF) {
      return target.ref;
    } else if (key === PLAIN) {
      return () => toPlain(target.ref);
    }
    return Reflect.get(Array.prototype, key, receiver);
  },
  has(target, key) {
    if (typeof key === 'string') {
      const i = Number(key);
      return Number.isInteger(i) ? i >= 0 && i < target.n : key === 'length' || key in Array.prototype;
    }
    return key === REF || key in Array.prototype;
  },
  ownKeys(target) {
    const keys = new Array(target.n + 1);
    for (let i = 0; i < target.n; i++) {
      keys[i] = String(i);
    }
    keys[target.n] = 'length';
    return keys;
  },
  getOwnPropertyDescriptor(target, key) {
    if (key === 'length') {
      return { value: target.n, writable: true, enumerable: false, configurable: false };
    }
    const i = typeof key === 'string' ? Number(key) : NaN;
    if (!(Number.isInteger(i) && i >= 0 && i < target.n)) {
      return undefined;
    }
    return { value: item(target, i), writable: false, enumerable: true, configurable: true };
  },
  set(_t, key) {
    throw new TypeError(`input values are read-only (setting [${String(key)}]); copy with [...list] first`);
  },
  deleteProperty(_t, key) {
    throw new TypeError(`input values are read-only (deleting [${String(key)}])`);
  },
  defineProperty(_t, key) {
    throw new TypeError(`input values are read-only (defining [${String(key)}])`);
  },
};

function listView(ref) {
  // The target is an array so that Array.isArray() holds; the view's state lives on it, unlisted.
  const target = [];
  Object.defineProperty(target, 'ref', { value: ref, configurable: true });
  Object.defineProperty(target, 'n', { value: fb.length(ref), configurable: true });
  Object.defineProperty(target, 'items', { value: [], configurable: true });
  return new Proxy(target, LIST_HANDLER);
}

/** A full copy of a value as plain JavaScript objects, arrays and scalars. */
export function toPlain(ref) {
  if (fb.isMap(ref)) {
    const n = fb.length(ref);
    const out = {};
    for (let i = 0; i < n; i++) {
      out[fb.keyAt(ref, i)] = toPlain(fb.at(ref, i));
    }
    return out;
  }
  if (fb.isList(ref)) {
    const n = fb.length(ref);
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = toPlain(fb.at(ref, i));
    }
    return out;
  }
  return fb.scalar(ref);
}

/** A plain copy of any value: lazy views are decoded in full, other values are returned as they are. */
export function toJS(value) {
  const ref = refOf(value);
  return ref === undefined ? value : toPlain(ref);
}
