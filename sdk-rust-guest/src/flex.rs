//! An in-place FlexBuffers reader: every access is bounds-checked and answers `None` (or an empty
//! value) for bytes it cannot read, so a malformed value never panics a node.

use core::str;

pub(crate) const FBT_NULL: u8 = 0;
pub(crate) const FBT_INT: u8 = 1;
pub(crate) const FBT_UINT: u8 = 2;
pub(crate) const FBT_FLOAT: u8 = 3;
pub(crate) const FBT_KEY: u8 = 4;
pub(crate) const FBT_STRING: u8 = 5;
const FBT_INDIRECT_INT: u8 = 6;
const FBT_INDIRECT_UINT: u8 = 7;
const FBT_INDIRECT_FLOAT: u8 = 8;
pub(crate) const FBT_MAP: u8 = 9;
pub(crate) const FBT_VECTOR: u8 = 10;
const FBT_VECTOR_INT: u8 = 11;
const FBT_VECTOR_UINT: u8 = 12;
const FBT_VECTOR_FLOAT: u8 = 13;
const FBT_VECTOR_KEY: u8 = 14;
const FBT_VECTOR_STRING_DEPRECATED: u8 = 15;
const FBT_VECTOR_INT2: u8 = 16;
const FBT_VECTOR_FLOAT4: u8 = 24;
pub(crate) const FBT_BLOB: u8 = 25;
pub(crate) const FBT_BOOL: u8 = 26;
const FBT_VECTOR_BOOL: u8 = 36;

/// The kinds of value a flow moves around (JSON's, plus bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    Bytes,
    List,
    Map,
}

/// A read-only view of one value inside FlexBuffers bytes. Cheap to copy; reading a field decodes
/// that field only.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    buf: &'a [u8],
    offset: usize,
    parent_width: usize,
    byte_width: usize,
    typ: u8,
}

fn read_uint(buf: &[u8], at: usize, width: usize) -> Option<u64> {
    let b = buf.get(at..at.checked_add(width)?)?;
    Some(match width {
        1 => b[0] as u64,
        2 => u16::from_le_bytes([b[0], b[1]]) as u64,
        4 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64,
        8 => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        _ => return None,
    })
}

fn read_int(buf: &[u8], at: usize, width: usize) -> Option<i64> {
    let v = read_uint(buf, at, width)?;
    Some(match width {
        1 => v as u8 as i8 as i64,
        2 => v as u16 as i16 as i64,
        4 => v as u32 as i32 as i64,
        _ => v as i64,
    })
}

fn read_float(buf: &[u8], at: usize, width: usize) -> Option<f64> {
    let v = read_uint(buf, at, width)?;
    match width {
        4 => Some(f32::from_bits(v as u32) as f64),
        8 => Some(f64::from_bits(v)),
        _ => None,
    }
}

fn indirect(buf: &[u8], at: usize, width: usize) -> Option<usize> {
    let off = read_uint(buf, at, width)?;
    at.checked_sub(usize::try_from(off).ok()?)
}

impl<'a> Value<'a> {
    /// The root value of FlexBuffers bytes; `None` when they are too short to hold one.
    pub fn root(buf: &'a [u8]) -> Option<Value<'a>> {
        let n = buf.len();
        if n < 3 {
            return None;
        }
        let width = buf[n - 1] as usize;
        let packed = buf[n - 2];
        let offset = (n - 2).checked_sub(width)?;
        if !matches!(width, 1 | 2 | 4 | 8) {
            return None;
        }
        Some(Value::packed(buf, offset, width, packed))
    }

    fn packed(buf: &'a [u8], offset: usize, parent_width: usize, packed: u8) -> Value<'a> {
        Value { buf, offset, parent_width, byte_width: 1 << (packed & 3), typ: packed >> 2 }
    }

    const NULL: Value<'static> = Value { buf: &[], offset: 0, parent_width: 1, byte_width: 1, typ: FBT_NULL };

    fn null() -> Value<'a> {
        Value::NULL
    }

    /// This value's kind. Unreadable bytes read as `Null`.
    pub fn kind(&self) -> Kind {
        match self.typ {
            FBT_NULL => Kind::Null,
            FBT_BOOL => Kind::Bool,
            FBT_INT | FBT_UINT | FBT_INDIRECT_INT | FBT_INDIRECT_UINT => Kind::Int,
            FBT_FLOAT | FBT_INDIRECT_FLOAT => Kind::Float,
            FBT_STRING | FBT_KEY => Kind::String,
            FBT_BLOB => Kind::Bytes,
            FBT_MAP => Kind::Map,
            FBT_VECTOR..=FBT_VECTOR_FLOAT4 | FBT_VECTOR_BOOL => Kind::List,
            _ => Kind::Null,
        }
    }

    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    fn target(&self) -> Option<usize> {
        indirect(self.buf, self.offset, self.parent_width)
    }

    /// A boolean's value.
    pub fn as_bool(&self) -> Option<bool> {
        match self.typ {
            FBT_BOOL => read_uint(self.buf, self.offset, self.parent_width).map(|v| v != 0),
            _ => None,
        }
    }

    /// An integer, or a float truncated toward zero.
    pub fn as_i64(&self) -> Option<i64> {
        match self.typ {
            FBT_INT => read_int(self.buf, self.offset, self.parent_width),
            FBT_UINT => read_uint(self.buf, self.offset, self.parent_width).map(|v| v as i64),
            FBT_INDIRECT_INT => read_int(self.buf, self.target()?, self.byte_width),
            FBT_INDIRECT_UINT => read_uint(self.buf, self.target()?, self.byte_width).map(|v| v as i64),
            FBT_FLOAT | FBT_INDIRECT_FLOAT => self.as_f64().map(|f| f as i64),
            _ => None,
        }
    }

    /// A float, or an integer widened.
    pub fn as_f64(&self) -> Option<f64> {
        match self.typ {
            FBT_FLOAT => read_float(self.buf, self.offset, self.parent_width),
            FBT_INDIRECT_FLOAT => read_float(self.buf, self.target()?, self.byte_width),
            FBT_INT | FBT_UINT | FBT_INDIRECT_INT | FBT_INDIRECT_UINT => self.as_i64().map(|i| i as f64),
            _ => None,
        }
    }

    /// A string's text (borrowed from the input bytes, not copied).
    pub fn as_str(&self) -> Option<&'a str> {
        str::from_utf8(self.string_bytes()?).ok()
    }

    fn string_bytes(&self) -> Option<&'a [u8]> {
        match self.typ {
            FBT_STRING | FBT_BLOB => {
                let t = self.target()?;
                let len = read_uint(self.buf, t.checked_sub(self.byte_width)?, self.byte_width)?;
                self.buf.get(t..t.checked_add(usize::try_from(len).ok()?)?)
            }
            FBT_KEY => {
                let t = self.target()?;
                let rest = self.buf.get(t..)?;
                let end = rest.iter().position(|b| *b == 0)?;
                Some(&rest[..end])
            }
            _ => None,
        }
    }

    /// A bytes value's bytes (borrowed).
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.typ {
            FBT_BLOB => self.string_bytes(),
            _ => None,
        }
    }

    /// The number of elements of a list or entries of a map; 0 for other kinds.
    pub fn len(&self) -> usize {
        match self.kind() {
            Kind::List | Kind::Map => self.vector().map(|(_, n)| n).unwrap_or(0),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (start of elements, element count) of a vector or map.
    fn vector(&self) -> Option<(usize, usize)> {
        let t = self.target()?;
        let n = if (FBT_VECTOR_INT2..=FBT_VECTOR_FLOAT4).contains(&self.typ) {
            ((self.typ - FBT_VECTOR_INT2) / 3 + 2) as usize
        } else {
            usize::try_from(read_uint(self.buf, t.checked_sub(self.byte_width)?, self.byte_width)?).ok()?
        };
        // Every element needs at least one byte: a larger count is corrupt.
        if n > self.buf.len() {
            return None;
        }
        Some((t, n))
    }

    /// The element at `index` of a list (or the value of a map's entry `index`).
    pub fn index(&self, index: usize) -> Option<Value<'a>> {
        let (t, n) = self.vector()?;
        if index >= n {
            return None;
        }
        let w = self.byte_width;
        let at = t.checked_add(index.checked_mul(w)?)?;
        match self.typ {
            FBT_VECTOR | FBT_MAP => {
                let packed = *self.buf.get(t.checked_add(n.checked_mul(w)?)?.checked_add(index)?)?;
                Some(Value::packed(self.buf, at, w, packed))
            }
            FBT_VECTOR_INT | FBT_VECTOR_UINT | FBT_VECTOR_FLOAT | FBT_VECTOR_KEY | FBT_VECTOR_BOOL
            | FBT_VECTOR_STRING_DEPRECATED => {
                let elem = match self.typ {
                    FBT_VECTOR_INT => FBT_INT,
                    FBT_VECTOR_UINT => FBT_UINT,
                    FBT_VECTOR_FLOAT => FBT_FLOAT,
                    FBT_VECTOR_KEY => FBT_KEY,
                    FBT_VECTOR_BOOL => FBT_BOOL,
                    _ => FBT_STRING,
                };
                Some(Value { buf: self.buf, offset: at, parent_width: w, byte_width: w, typ: elem })
            }
            _ => {
                let elem = match (self.typ - FBT_VECTOR_INT2) % 3 {
                    0 => FBT_INT,
                    1 => FBT_UINT,
                    _ => FBT_FLOAT,
                };
                Some(Value { buf: self.buf, offset: at, parent_width: w, byte_width: w, typ: elem })
            }
        }
    }

    fn keys(&self) -> Option<(usize, usize, usize)> {
        if self.typ != FBT_MAP {
            return None;
        }
        let t = self.target()?;
        let w = self.byte_width;
        let keys_at = t.checked_sub(3 * w)?;
        let keys = indirect(self.buf, keys_at, w)?;
        let keys_width = read_uint(self.buf, keys_at.checked_add(w)?, w)? as usize;
        if !matches!(keys_width, 1 | 2 | 4 | 8) {
            return None;
        }
        let (_, n) = self.vector()?;
        Some((keys, keys_width, n))
    }

    /// The key of a map's entry `index` (entries are sorted by key).
    pub fn key_at(&self, index: usize) -> Option<&'a str> {
        let (keys, kw, n) = self.keys()?;
        if index >= n {
            return None;
        }
        let at = index.checked_mul(kw)?.checked_add(keys)?;
        let k = Value { buf: self.buf, offset: at, parent_width: kw, byte_width: 1, typ: FBT_KEY };
        k.as_str()
    }

    /// The value of a map's entry `index`.
    pub fn value_at(&self, index: usize) -> Option<Value<'a>> {
        if self.typ != FBT_MAP {
            return None;
        }
        self.index(index)
    }

    /// The value under `key` of a map (binary search over the sorted keys).
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        let (keys, kw, n) = self.keys()?;
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let at = mid.checked_mul(kw)?.checked_add(keys)?;
            let k = Value { buf: self.buf, offset: at, parent_width: kw, byte_width: 1, typ: FBT_KEY };
            let kb = k.string_bytes()?;
            match kb.cmp(key.as_bytes()) {
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => return self.index(mid),
            }
        }
        None
    }

    /// The value at a dotted path such as `customer.address.city` or `items[0].price`.
    pub fn path(&self, path: &str) -> Option<Value<'a>> {
        let mut v = *self;
        for segment in path.split('.') {
            if segment.is_empty() {
                continue;
            }
            let (key, mut rest) = match segment.find('[') {
                Some(i) => (&segment[..i], &segment[i..]),
                None => (segment, ""),
            };
            if !key.is_empty() {
                v = v.get(key)?;
            }
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']')?;
                let idx: usize = stripped[..close].trim().parse().ok()?;
                v = v.index(idx)?;
                rest = &stripped[close + 1..];
            }
        }
        Some(v)
    }

    /// A list's elements.
    pub fn iter(&self) -> Elements<'a> {
        let n = if self.kind() == Kind::List { self.len() } else { 0 };
        Elements { value: *self, next: 0, len: n }
    }

    /// A map's entries, in key order.
    pub fn entries(&self) -> Entries<'a> {
        let n = if self.kind() == Kind::Map { self.len() } else { 0 };
        Entries { value: *self, next: 0, len: n }
    }

    /// A string field of a map, or `default`.
    pub fn str_or(&self, key: &str, default: &'a str) -> &'a str {
        self.get(key).and_then(|v| v.as_str()).unwrap_or(default)
    }

    /// A numeric field of a map as a float, or `default`.
    pub fn f64_or(&self, key: &str, default: f64) -> f64 {
        self.get(key).and_then(|v| v.as_f64()).unwrap_or(default)
    }

    /// A numeric field of a map as an integer, or `default`.
    pub fn i64_or(&self, key: &str, default: i64) -> i64 {
        self.get(key).and_then(|v| v.as_i64()).unwrap_or(default)
    }
}

impl<'a> Default for Value<'a> {
    fn default() -> Self {
        Value::null()
    }
}

/// The elements of a list.
pub struct Elements<'a> {
    value: Value<'a>,
    next: usize,
    len: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        if self.next >= self.len {
            return None;
        }
        self.next += 1;
        Some(self.value.index(self.next - 1).unwrap_or_default())
    }
}

/// The entries of a map: (key, value).
pub struct Entries<'a> {
    value: Value<'a>,
    next: usize,
    len: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, Value<'a>);

    fn next(&mut self) -> Option<(&'a str, Value<'a>)> {
        if self.next >= self.len {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some((self.value.key_at(i).unwrap_or(""), self.value.value_at(i).unwrap_or_default()))
    }
}
