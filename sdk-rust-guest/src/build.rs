//! A FlexBuffers writer for node outputs. Every scalar and offset is stored 8 bytes wide, which keeps
//! the writer small; any FlexBuffers reader (the host's included) reads the result.

use alloc::vec::Vec;

use crate::flex::{
    Kind, Value, FBT_BLOB, FBT_BOOL, FBT_FLOAT, FBT_INT, FBT_KEY, FBT_MAP, FBT_NULL, FBT_STRING, FBT_UINT,
    FBT_VECTOR,
};

const W: usize = 8;
const WIDTH_CODE: u8 = 3;
const FBT_VECTOR_KEY: u8 = 14;

#[derive(Clone, Copy)]
enum Slot {
    Inline { typ: u8, bits: u64 },
    Offset { typ: u8, at: usize },
}

impl Slot {
    fn packed(&self) -> u8 {
        match self {
            Slot::Inline { typ, .. } | Slot::Offset { typ, .. } => (typ << 2) | WIDTH_CODE,
        }
    }
}

/// Builds one FlexBuffers value: call one value method (or [`Builder::map`] / [`Builder::list`]) on
/// it, then [`Builder::finish`].
pub struct Builder {
    buf: Vec<u8>,
    stack: Vec<Slot>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    pub fn new() -> Builder {
        Builder { buf: Vec::with_capacity(256), stack: Vec::with_capacity(16) }
    }

    fn align(&mut self) {
        while self.buf.len() % W != 0 {
            self.buf.push(0);
        }
    }

    fn put_u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn push_inline(&mut self, typ: u8, bits: u64) {
        self.stack.push(Slot::Inline { typ, bits });
    }

    fn push_sized(&mut self, typ: u8, bytes: &[u8], terminate: bool) {
        self.align();
        self.put_u64(bytes.len() as u64);
        let at = self.buf.len();
        self.buf.extend_from_slice(bytes);
        if terminate {
            self.buf.push(0);
        }
        self.stack.push(Slot::Offset { typ, at });
    }

    fn push_key(&mut self, key: &str) {
        let at = self.buf.len();
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.push(0);
        self.stack.push(Slot::Offset { typ: FBT_KEY, at });
    }

    /// Writes one slot at the current (aligned) position: an inline value or an offset back to its target.
    fn write_slot(&mut self, s: Slot) {
        match s {
            Slot::Inline { bits, .. } => self.put_u64(bits),
            Slot::Offset { at, .. } => {
                let here = self.buf.len();
                self.put_u64((here - at) as u64);
            }
        }
    }

    pub fn null(&mut self) {
        self.push_inline(FBT_NULL, 0);
    }

    pub fn bool(&mut self, v: bool) {
        self.push_inline(FBT_BOOL, v as u64);
    }

    pub fn int(&mut self, v: i64) {
        self.push_inline(FBT_INT, v as u64);
    }

    pub fn uint(&mut self, v: u64) {
        self.push_inline(FBT_UINT, v);
    }

    pub fn float(&mut self, v: f64) {
        self.push_inline(FBT_FLOAT, v.to_bits());
    }

    pub fn string(&mut self, v: &str) {
        self.push_sized(FBT_STRING, v.as_bytes(), true);
    }

    pub fn bytes(&mut self, v: &[u8]) {
        self.push_sized(FBT_BLOB, v, false);
    }

    /// Copies a value read from an input (deeply).
    pub fn value(&mut self, v: Value<'_>) {
        match v.kind() {
            Kind::Null => self.null(),
            Kind::Bool => self.bool(v.as_bool().unwrap_or(false)),
            Kind::Int => self.int(v.as_i64().unwrap_or(0)),
            Kind::Float => self.float(v.as_f64().unwrap_or(0.0)),
            Kind::String => self.string(v.as_str().unwrap_or("")),
            Kind::Bytes => self.bytes(v.as_bytes().unwrap_or(&[])),
            Kind::List => self.list(|l| {
                for e in v.iter() {
                    l.value(e);
                }
            }),
            Kind::Map => self.map(|m| {
                for (k, e) in v.entries() {
                    m.value(k, e);
                }
            }),
        }
    }

    /// A list whose elements `f` adds.
    pub fn list<F: FnOnce(&mut ListBuilder)>(&mut self, f: F) {
        let start = self.stack.len();
        f(&mut ListBuilder { b: self });
        self.end_vector(start);
    }

    /// A map whose entries `f` adds (in any order; they are sorted by key here).
    pub fn map<F: FnOnce(&mut MapBuilder)>(&mut self, f: F) {
        let start = self.stack.len();
        f(&mut MapBuilder { b: self });
        self.end_map(start);
    }

    fn end_vector(&mut self, start: usize) {
        let items: Vec<Slot> = self.stack.split_off(start);
        self.align();
        self.put_u64(items.len() as u64);
        let at = self.buf.len();
        for s in &items {
            self.write_slot(*s);
        }
        for s in &items {
            self.buf.push(s.packed());
        }
        self.stack.push(Slot::Offset { typ: FBT_VECTOR, at });
    }

    fn end_map(&mut self, start: usize) {
        let flat: Vec<Slot> = self.stack.split_off(start);
        let mut pairs: Vec<(Slot, Slot)> = flat.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect();
        let buf = &self.buf;
        let key_of = |s: &Slot| -> Vec<u8> {
            match s {
                Slot::Offset { at, .. } => {
                    let rest = &buf[*at..];
                    let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
                    rest[..end].to_vec()
                }
                Slot::Inline { .. } => Vec::new(),
            }
        };
        let mut keyed: Vec<(Vec<u8>, Slot, Slot)> = pairs.drain(..).map(|(k, v)| (key_of(&k), k, v)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        // A later entry with the same key replaces an earlier one.
        keyed.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                earlier.2 = later.2;
                true
            } else {
                false
            }
        });
        self.align();
        self.put_u64(keyed.len() as u64);
        let keys_at = self.buf.len();
        for (_, k, _) in &keyed {
            self.write_slot(*k);
        }
        self.align();
        let here = self.buf.len();
        self.put_u64((here - keys_at) as u64);
        self.put_u64(W as u64);
        self.put_u64(keyed.len() as u64);
        let at = self.buf.len();
        for (_, _, v) in &keyed {
            self.write_slot(*v);
        }
        for (_, _, v) in &keyed {
            self.buf.push(v.packed());
        }
        self.stack.push(Slot::Offset { typ: FBT_MAP, at });
        let _ = FBT_VECTOR_KEY;
    }

    /// The finished bytes: the root value is the last one added.
    pub fn finish(mut self) -> Vec<u8> {
        let root = self.stack.pop().unwrap_or(Slot::Inline { typ: FBT_NULL, bits: 0 });
        self.align();
        self.write_slot(root);
        self.buf.push(root.packed());
        self.buf.push(W as u8);
        self.buf
    }
}

/// Adds the elements of a list.
pub struct ListBuilder<'b> {
    b: &'b mut Builder,
}

impl<'b> ListBuilder<'b> {
    pub fn null(&mut self) {
        self.b.null();
    }
    pub fn bool(&mut self, v: bool) {
        self.b.bool(v);
    }
    pub fn int(&mut self, v: i64) {
        self.b.int(v);
    }
    pub fn float(&mut self, v: f64) {
        self.b.float(v);
    }
    pub fn string(&mut self, v: &str) {
        self.b.string(v);
    }
    pub fn bytes(&mut self, v: &[u8]) {
        self.b.bytes(v);
    }
    pub fn value(&mut self, v: Value<'_>) {
        self.b.value(v);
    }
    pub fn list<F: FnOnce(&mut ListBuilder)>(&mut self, f: F) {
        self.b.list(f);
    }
    pub fn map<F: FnOnce(&mut MapBuilder)>(&mut self, f: F) {
        self.b.map(f);
    }
}

/// Adds the entries of a map.
pub struct MapBuilder<'b> {
    b: &'b mut Builder,
}

impl<'b> MapBuilder<'b> {
    pub fn null(&mut self, key: &str) {
        self.b.push_key(key);
        self.b.null();
    }
    pub fn bool(&mut self, key: &str, v: bool) {
        self.b.push_key(key);
        self.b.bool(v);
    }
    pub fn int(&mut self, key: &str, v: i64) {
        self.b.push_key(key);
        self.b.int(v);
    }
    pub fn float(&mut self, key: &str, v: f64) {
        self.b.push_key(key);
        self.b.float(v);
    }
    pub fn string(&mut self, key: &str, v: &str) {
        self.b.push_key(key);
        self.b.string(v);
    }
    pub fn bytes(&mut self, key: &str, v: &[u8]) {
        self.b.push_key(key);
        self.b.bytes(v);
    }
    pub fn value(&mut self, key: &str, v: Value<'_>) {
        self.b.push_key(key);
        self.b.value(v);
    }
    pub fn list<F: FnOnce(&mut ListBuilder)>(&mut self, key: &str, f: F) {
        self.b.push_key(key);
        self.b.list(f);
    }
    pub fn map<F: FnOnce(&mut MapBuilder)>(&mut self, key: &str, f: F) {
        self.b.push_key(key);
        self.b.map(f);
    }
}
