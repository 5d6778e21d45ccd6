//! Write [Xerv](../../README.md) WASM nodes in Rust.
//!
//! A node is a function from a [`Context`] (its named inputs, read in place from the trace's arena)
//! to a result: it fires a port with a value built by a [`Builder`], or fails with a message.
//! [`node!`] exports it under ABI v1 (`__xerv_alloc`, `__xerv_execute`). The crate is `no_std` +
//! `alloc` and has no dependencies; docs/wasm-abi.md describes the ABI it implements.
//!
//! ```ignore
//! use xerv_guest::{node, Builder, Context};
//!
//! node!(run);
//!
//! fn run(ctx: &Context) -> Result<(), String> {
//!     let order = ctx.input("in").ok_or("no input")?;
//!     let amount = order.f64_or("amount", 0.0);
//!     let mut out = Builder::new();
//!     out.map(|m| {
//!         m.value("order", order);
//!         m.bool("large", amount > 1000.0);
//!     });
//!     ctx.emit("out", out)
//! }
//! ```
#![no_std]

extern crate alloc;

pub mod abi;
mod build;
mod flex;

pub use build::{Builder, ListBuilder, MapBuilder};
pub use flex::{Elements, Entries, Kind, Value};

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::slice;

/// Log levels of [`Context::log`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
}

enum Bytes {
    InPlace(*const u8, usize),
    Copied(Vec<u8>),
}

/// One named input: its name and where its bytes are (in place in the arena window, or a copy).
pub struct Input {
    name_ptr: *const u8,
    name_len: usize,
    offset: u64,
    bytes: Bytes,
}

impl Input {
    /// The input's name: the port it entered (`in`) or a key of the node's `inputs:` config.
    pub fn name(&self) -> &str {
        // The host wrote the name as UTF-8 into the input block, which lives until the call ends.
        let b = unsafe { slice::from_raw_parts(self.name_ptr, self.name_len) };
        core::str::from_utf8(b).unwrap_or("")
    }

    /// The input's arena offset.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The raw FlexBuffers bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            // The window is the host's read-only mapping of the arena; it stays valid for the call.
            Bytes::InPlace(p, n) => unsafe { slice::from_raw_parts(*p, *n) },
            Bytes::Copied(v) => v,
        }
    }

    /// True when the bytes are read in place through the arena window rather than copied.
    pub fn in_place(&self) -> bool {
        matches!(self.bytes, Bytes::InPlace(..))
    }

    /// The input as a value (null when its bytes are not a FlexBuffers value).
    pub fn value(&self) -> Value<'_> {
        Value::root(self.bytes()).unwrap_or_default()
    }
}

/// What a node sees during one call: its inputs and the host's services.
pub struct Context {
    inputs: Vec<Input>,
}

impl Context {
    /// Reads the host's input table. Inputs inside the arena window are read in place; others are
    /// copied with `__xerv_read_bytes`.
    ///
    /// # Safety
    /// `table` must point at `count` ABI v1 input entries, as `__xerv_execute` receives them.
    pub unsafe fn from_abi(table: *const abi::RawInput, count: usize) -> Result<Context, String> {
        let window = abi::__xerv_arena_window();
        let mut inputs = Vec::with_capacity(count);
        for i in 0..count {
            let e = table.add(i).read_unaligned();
            let offset = (e.offset_lo as u64) | ((e.offset_hi as u64) << 32);
            let size = e.size as usize;
            let bytes = if window != 0 && offset + size as u64 <= abi::WINDOW_SIZE {
                Bytes::InPlace((window as usize + offset as usize) as *const u8, size)
            } else {
                let mut v = vec![0u8; size];
                if abi::__xerv_read_bytes(e.offset_lo, e.offset_hi, v.as_mut_ptr(), e.size) != 0 {
                    return Err(alloc::format!("cannot read input {} ({} bytes at {})", i, size, offset));
                }
                Bytes::Copied(v)
            };
            inputs.push(Input { name_ptr: e.name_ptr as *const u8, name_len: e.name_len as usize, offset, bytes });
        }
        Ok(Context { inputs })
    }

    /// Every input, in the host's order (fired edges first, then the config's `inputs:`).
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The first input named `name`, as a value.
    pub fn input(&self, name: &str) -> Option<Value<'_>> {
        self.inputs.iter().find(|i| i.name() == name).map(|i| i.value())
    }

    /// Fires `port` with the value `out` holds. The host copies it into the trace's arena.
    pub fn emit(&self, port: &str, out: Builder) -> Result<(), String> {
        let bytes = out.finish();
        self.emit_bytes(port, &bytes)
    }

    /// Fires `port` with FlexBuffers bytes (an input's own bytes pass a value on unchanged).
    pub fn emit_bytes(&self, port: &str, flex: &[u8]) -> Result<(), String> {
        let r = unsafe { abi::__xerv_set_result(port.as_ptr(), port.len() as u32, flex.as_ptr(), flex.len() as u32) };
        if r == 0 {
            Ok(())
        } else {
            Err(alloc::format!("the host refused the result for port {} (status {})", port, r))
        }
    }

    /// Fires `port` with a value given as JSON text.
    pub fn emit_json(&self, port: &str, json: &str) -> Result<(), String> {
        let r = unsafe { abi::__xerv_set_result_json(port.as_ptr(), port.len() as u32, json.as_ptr(), json.len() as u32) };
        if r == 0 {
            Ok(())
        } else {
            Err(alloc::format!("the host refused the JSON result for port {} (status {})", port, r))
        }
    }

    /// Fails this run of the node with `message` (the node's `error` port or retry takes over).
    pub fn fail(&self, message: &str) {
        unsafe {
            abi::__xerv_set_error(message.as_ptr(), message.len() as u32);
        }
    }

    /// Writes a line to the trace's log.
    pub fn log(&self, level: Level, message: &str) {
        unsafe {
            abi::__xerv_log(level as u32, message.as_ptr(), message.len() as u32);
        }
    }

    pub fn info(&self, message: &str) {
        self.log(Level::Info, message);
    }

    pub fn warn(&self, message: &str) {
        self.log(Level::Warn, message);
    }

    /// The run's time in nanoseconds since the Unix epoch (the same on a replay).
    pub fn now_nanos(&self) -> u64 {
        unsafe { abi::__xerv_clock_now() }
    }

    /// A random number from the run's generator (the same on a replay).
    pub fn random_u64(&self) -> u64 {
        unsafe { abi::__xerv_rng_next_u64() }
    }

    /// A random version 4 UUID, 16 bytes in network order.
    pub fn uuid_v4(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        unsafe {
            abi::__xerv_uuid_new_v4(b.as_mut_ptr());
        }
        b
    }

    /// A random version 4 UUID as text (`8-4-4-4-12` lower-case hex).
    pub fn uuid_v4_string(&self) -> String {
        let b = self.uuid_v4();
        let mut s = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if i == 4 || i == 6 || i == 8 || i == 10 {
                s.push('-');
            }
            s.push(char::from_digit((x >> 4) as u32, 16).unwrap_or('0'));
            s.push(char::from_digit((x & 15) as u32, 16).unwrap_or('0'));
        }
        s
    }

    /// An environment variable the node's config grants (`env: [NAME]`); `None` when it is not
    /// granted or not set.
    pub fn env(&self, name: &str) -> Option<String> {
        lookup(name, abi::__xerv_env_get)
    }

    /// A secret the node's config grants (`secrets: [NAME]`); `None` when it is not granted or not set.
    pub fn secret(&self, name: &str) -> Option<String> {
        lookup(name, abi::__xerv_secret_get)
    }
}

fn lookup(name: &str, f: unsafe extern "C" fn(*const u8, u32, *mut u8, u32) -> i32) -> Option<String> {
    let mut cap = 256usize;
    loop {
        let mut buf = vec![0u8; cap];
        let n = unsafe { f(name.as_ptr(), name.len() as u32, buf.as_mut_ptr(), cap as u32) };
        if n < 0 {
            return None;
        }
        let n = n as usize;
        // A value as long as the buffer may have been cut: ask again with more room.
        if n < cap || cap >= 1 << 20 {
            buf.truncate(n);
            return String::from_utf8(buf).ok();
        }
        cap *= 4;
    }
}

/// The block size the host allocates for `count` inputs (table + names), so the SDK can free it.
#[doc(hidden)]
pub unsafe fn __input_block_size(table: *const abi::RawInput, count: usize) -> usize {
    let mut n = count * core::mem::size_of::<abi::RawInput>();
    for i in 0..count {
        n += table.add(i).read_unaligned().name_len as usize;
    }
    n
}

#[doc(hidden)]
pub fn __alloc(size: usize) -> *mut u8 {
    if size == 0 {
        return 8 as *mut u8;
    }
    match core::alloc::Layout::from_size_align(size, 8) {
        Ok(l) => unsafe { alloc::alloc::alloc(l) },
        Err(_) => core::ptr::null_mut(),
    }
}

#[doc(hidden)]
pub unsafe fn __free(ptr: *mut u8, size: usize) {
    if size != 0 && !ptr.is_null() {
        if let Ok(l) = core::alloc::Layout::from_size_align(size, 8) {
            alloc::alloc::dealloc(ptr, l);
        }
    }
}

#[doc(hidden)]
pub unsafe fn __execute(table: u32, count: u32, run: fn(&Context) -> Result<(), String>) -> i32 {
    let t = table as usize as *const abi::RawInput;
    let n = count as usize;
    let status = match Context::from_abi(t, n) {
        Ok(ctx) => match run(&ctx) {
            Ok(()) => 0,
            Err(message) => {
                ctx.fail(&message);
                1
            }
        },
        Err(message) => {
            abi::__xerv_set_error(message.as_ptr(), message.len() as u32);
            1
        }
    };
    if n > 0 {
        __free(t as *mut u8, __input_block_size(t, n));
    }
    status
}

/// Exports `run` as this module's node under ABI v1: defines `__xerv_alloc` and `__xerv_execute`.
/// `run` takes `&Context` and returns `Result<(), String>`; an `Err` fails the node with its message.
#[macro_export]
macro_rules! node {
    ($run:path) => {
        #[no_mangle]
        pub extern "C" fn __xerv_alloc(size: u32) -> u32 {
            $crate::__alloc(size as usize) as usize as u32
        }

        #[no_mangle]
        pub unsafe extern "C" fn __xerv_execute(inputs_ptr: u32, count: u32) -> i32 {
            $crate::__execute(inputs_ptr, count, $run)
        }
    };
}
