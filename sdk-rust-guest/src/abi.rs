//! ABI v1: the host imports (module `xerv`) and the layout of the input table. See docs/wasm-abi.md.

#[link(wasm_import_module = "xerv")]
extern "C" {
    pub fn __xerv_read_bytes(offset_lo: u32, offset_hi: u32, dest: *mut u8, size: u32) -> i32;
    pub fn __xerv_write_bytes(src: *const u8, size: u32, out_lo: *mut u32, out_hi: *mut u32) -> i32;
    pub fn __xerv_set_result(port_ptr: *const u8, port_len: u32, data_ptr: *const u8, data_len: u32) -> i32;
    pub fn __xerv_set_result_json(port_ptr: *const u8, port_len: u32, json_ptr: *const u8, json_len: u32) -> i32;
    pub fn __xerv_set_error(msg_ptr: *const u8, msg_len: u32) -> i32;
    pub fn __xerv_log(level: u32, msg_ptr: *const u8, msg_len: u32) -> i32;
    pub fn __xerv_clock_now() -> u64;
    pub fn __xerv_rng_next_u64() -> u64;
    pub fn __xerv_uuid_new_v4(dest: *mut u8) -> i32;
    pub fn __xerv_env_get(key_ptr: *const u8, key_len: u32, val_ptr: *mut u8, val_cap: u32) -> i32;
    pub fn __xerv_secret_get(key_ptr: *const u8, key_len: u32, val_ptr: *mut u8, val_cap: u32) -> i32;
    pub fn __xerv_arena_window() -> u32;
}

/// One input entry as the host lays it out: 20 bytes, little-endian.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RawInput {
    pub name_ptr: u32,
    pub name_len: u32,
    pub offset_lo: u32,
    pub offset_hi: u32,
    pub size: u32,
}

/// Guest address of arena offset 0 when the host maps the arena in place.
pub const WINDOW_BASE: u32 = 0x4000_0000;
/// Arena offsets below this are inside the window.
pub const WINDOW_SIZE: u64 = 0x8000_0000 - WINDOW_BASE as u64;

/// Status a lookup returns for a name that is not set or not granted.
pub const NOT_FOUND: i32 = -1;
