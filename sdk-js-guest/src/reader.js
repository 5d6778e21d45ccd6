// A FlexBuffers reader over a DataView, reading in place: no copy of the bytes, one small object per
// value reached. (The reader shipped with the `flatbuffers` package mishandles 64-bit widths, which
// any map or list holding a float64 has.)

export const T_NULL = 0;
export const T_INT = 1;
export const T_UINT = 2;
export const T_FLOAT = 3;
export const T_KEY = 4;
export const T_STRING = 5;
export const T_INDIRECT_INT = 6;
export const T_INDIRECT_UINT = 7;
export const T_INDIRECT_FLOAT = 8;
export const T_MAP = 9;
export const T_VECTOR = 10;
export const T_VECTOR_INT = 11;
export const T_VECTOR_KEY = 14;
export const T_VECTOR_STRING_DEPRECATED = 15;
export const T_VECTOR_INT2 = 16;
export const T_VECTOR_FLOAT4 = 24;
export const T_BLOB = 25;
export const T_BOOL = 26;
export const T_VECTOR_BOOL = 36;

/** One value inside a buffer: where it is, how wide its slot is, and its packed type. */
export class Ref {
  constructor(dv, offset, parentWidth, packed) {
    this.dv = dv;
    this.offset = offset;
    this.parentWidth = parentWidth;
    this.byteWidth = 1 << (packed & 3);
    this.type = packed >> 2;
  }
}

/** The root value of FlexBuffers bytes. */
export function root(buffer) {
  const dv = buffer instanceof DataView ? buffer : new DataView(buffer);
  const len = dv.byteLength;
  if (len < 3) {
    throw new RangeError(`a FlexBuffer needs at least 3 bytes, got ${len}`);
  }
  const width = dv.getUint8(len - 1);
  const packed = dv.getUint8(len - 2);
  return new Ref(dv, len - width - 2, width, packed);
}

export function readUInt(dv, offset, width) {
  switch (width) {
    case 1: return dv.getUint8(offset);
    case 2: return dv.getUint16(offset, true);
    case 4: return dv.getUint32(offset, true);
    default: return dv.getUint32(offset, true) + dv.getUint32(offset + 4, true) * 4294967296;
  }
}

function readInt(dv, offset, width) {
  switch (width) {
    case 1: return dv.getInt8(offset);
    case 2: return dv.getInt16(offset, true);
    case 4: return dv.getInt32(offset, true);
    default: {
      const n = dv.getBigInt64(offset, true);
      return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
    }
  }
}

function readUIntValue(dv, offset, width) {
  if (width === 8) {
    const n = dv.getBigUint64(offset, true);
    return n <= 9007199254740991n ? Number(n) : n;
  }
  return readUInt(dv, offset, width);
}

function readFloat(dv, offset, width) {
  if (width === 4) {
    return dv.getFloat32(offset, true);
  }
  if (width === 8) {
    return dv.getFloat64(offset, true);
  }
  throw new RangeError(`a float cannot be ${width} bytes wide`);
}

/** Where an offset-typed value's data starts. */
export function target(r) {
  return r.offset - readUInt(r.dv, r.offset, r.parentWidth);
}

export function isMap(r) {
  return r.type === T_MAP;
}

export function isList(r) {
  const t = r.type;
  return t === T_VECTOR || (t >= T_VECTOR_INT && t <= T_VECTOR_FLOAT4) || t === T_VECTOR_BOOL;
}

/** The number of entries of a map or list, or bytes of a string or blob. */
export function length(r) {
  const t = r.type;
  if (t >= T_VECTOR_INT2 && t <= T_VECTOR_FLOAT4) {
    return Math.floor((t - T_VECTOR_INT2) / 3) + 2;
  }
  const at = target(r);
  if (t === T_KEY) {
    let end = at;
    while (r.dv.getUint8(end) !== 0) {
      end++;
    }
    return end - at;
  }
  return readUInt(r.dv, at - r.byteWidth, r.byteWidth);
}

/** The element at index of a list or map (values in key order), or undefined when out of range. */
export function at(r, index) {
  const n = length(r);
  if (!(index >= 0 && index < n)) {
    return undefined;
  }
  const dv = r.dv;
  const start = target(r);
  const bw = r.byteWidth;
  const t = r.type;
  if (t === T_VECTOR || t === T_MAP) {
    return new Ref(dv, start + index * bw, bw, dv.getUint8(start + n * bw + index));
  }
  let elementType;
  if (t === T_VECTOR_BOOL) {
    elementType = T_BOOL;
  } else if (t >= T_VECTOR_INT2) {
    elementType = ((t - T_VECTOR_INT2) % 3) + T_INT;
  } else {
    elementType = t - T_VECTOR_INT + T_INT;
  }
  return new Ref(dv, start + index * bw, bw, (elementType << 2) | widthCode(bw));
}

function widthCode(bw) {
  return bw === 1 ? 0 : bw === 2 ? 1 : bw === 4 ? 2 : 3;
}

function keysStart(r) {
  const dv = r.dv;
  const bw = r.byteWidth;
  const keysVector = target(r) - bw * 3;
  return [keysVector - readUInt(dv, keysVector, bw), readUInt(dv, keysVector + bw, bw)];
}

function keyOffset(dv, keys, keyWidth, index) {
  const slot = keys + index * keyWidth;
  return slot - readUInt(dv, slot, keyWidth);
}

/** The key of a map's entry at index (entries are sorted by key). */
export function keyAt(r, index) {
  const [keys, keyWidth] = keysStart(r);
  const dv = r.dv;
  const start = keyOffset(dv, keys, keyWidth, index);
  let end = start;
  while (dv.getUint8(end) !== 0) {
    end++;
  }
  return utf8(dv, start, end - start);
}

let encoder;
function utf8Bytes(s) {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      encoder ??= new TextEncoder();
      return encoder.encode(s);
    }
  }
  return null;
}

/** The value of a map's entry named key, or undefined. A binary search over the sorted keys. */
export function get(r, key) {
  const n = length(r);
  if (n === 0) {
    return undefined;
  }
  const [keys, keyWidth] = keysStart(r);
  const dv = r.dv;
  const bytes = utf8Bytes(key);
  const klen = bytes === null ? key.length : bytes.length;
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOffset(dv, keys, keyWidth, mid);
    let cmp = 0;
    let i = 0;
    for (; i < klen; i++) {
      const c = dv.getUint8(k + i);
      const want = bytes === null ? key.charCodeAt(i) : bytes[i];
      if (c !== want) {
        cmp = c === 0 ? -1 : c - want;
        break;
      }
    }
    if (cmp === 0 && i === klen && dv.getUint8(k + klen) !== 0) {
      cmp = 1;
    }
    if (cmp === 0) {
      return at(r, mid);
    }
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return undefined;
}

let decoder;
/** Decodes UTF-8 bytes in place; ASCII without a decoder. */
export function utf8(dv, start, len) {
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = dv.getUint8(start + i);
    if (c > 0x7f) {
      decoder ??= new TextDecoder();
      return decoder.decode(new Uint8Array(dv.buffer, dv.byteOffset + start, len));
    }
    s += String.fromCharCode(c);
  }
  return s;
}

/** A scalar's JavaScript value; undefined for maps and lists. */
export function scalar(r) {
  const dv = r.dv;
  switch (r.type) {
    case T_NULL: return null;
    case T_BOOL: return readUInt(dv, r.offset, r.parentWidth) !== 0;
    case T_INT: return readInt(dv, r.offset, r.parentWidth);
    case T_UINT: return readUIntValue(dv, r.offset, r.parentWidth);
    case T_FLOAT: return readFloat(dv, r.offset, r.parentWidth);
    case T_INDIRECT_INT: return readInt(dv, target(r), r.byteWidth);
    case T_INDIRECT_UINT: return readUIntValue(dv, target(r), r.byteWidth);
    case T_INDIRECT_FLOAT: return readFloat(dv, target(r), r.byteWidth);
    case T_STRING: return utf8(dv, target(r), length(r));
    case T_KEY: return utf8(dv, target(r), length(r));
    case T_BLOB: {
      const start = target(r);
      return new Uint8Array(dv.buffer, dv.byteOffset + start, length(r));
    }
    default: return undefined;
  }
}

/** True for an integer (not a float) scalar. */
export function isInt(r) {
  const t = r.type;
  return t === T_INT || t === T_UINT || t === T_INDIRECT_INT || t === T_INDIRECT_UINT;
}
