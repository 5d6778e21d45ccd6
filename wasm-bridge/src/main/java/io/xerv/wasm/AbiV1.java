package io.xerv.wasm;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

import java.util.List;
import java.util.Map;

/**
 * The names, signatures, layouts and status codes of WASM ABI v1, as docs/wasm-abi.md describes them.
 *
 * <pre>
 *  Input entry (20 bytes, little-endian, 4-aligned), {@code count} of them from {@code inputs_ptr}:
 *   0          4          8            12           16     20
 *   +----------+----------+------------+------------+------+
 *   | name_ptr | name_len | offset_lo  | offset_hi  | size |
 *   +----------+----------+------------+------------+------+
 *  The names' bytes follow the table inside the same allocation.
 * </pre>
 */
public final class AbiV1 {

    private AbiV1() {
    }

    /** The module every host import lives in. */
    public static final String IMPORT_MODULE = "xerv";

    public static final String MEMORY = "memory";
    public static final String ALLOC = "__xerv_alloc";
    public static final String EXECUTE = "__xerv_execute";

    public static final int ENTRY_NAME_PTR_OFFSET = 0;
    public static final int ENTRY_NAME_LEN_OFFSET = ENTRY_NAME_PTR_OFFSET + 4;
    public static final int ENTRY_OFFSET_LO_OFFSET = ENTRY_NAME_LEN_OFFSET + 4;
    public static final int ENTRY_OFFSET_HI_OFFSET = ENTRY_OFFSET_LO_OFFSET + 4;
    public static final int ENTRY_SIZE_OFFSET = ENTRY_OFFSET_HI_OFFSET + 4;
    public static final int ENTRY_LENGTH = ENTRY_SIZE_OFFSET + 4;

    /**
     * Guest address of arena offset 0 in the read-only in-place window. Guest memory may not grow up
     * to it, and the window ends at 2^31 (the highest address both Chicory machines accept).
     */
    public static final int WINDOW_BASE = 0x4000_0000;
    /** Bytes of arena the window can show: offsets below this are addressable in place. */
    public static final long WINDOW_SIZE = 0x8000_0000L - WINDOW_BASE;
    /** The most pages a guest's memory may have: it must stay below the window. */
    public static final int MAX_GUEST_PAGES = WINDOW_BASE / 65536;

    /** Status: success. */
    public static final int OK = 0;
    /** Status: the name is not set, or the node's config does not grant it. */
    public static final int NOT_FOUND = -1;

    public static final String READ_BYTES = "__xerv_read_bytes";
    public static final String WRITE_BYTES = "__xerv_write_bytes";
    public static final String SET_RESULT = "__xerv_set_result";
    public static final String SET_RESULT_JSON = "__xerv_set_result_json";
    public static final String SET_ERROR = "__xerv_set_error";
    public static final String LOG = "__xerv_log";
    public static final String CLOCK_NOW = "__xerv_clock_now";
    public static final String RNG_NEXT_U64 = "__xerv_rng_next_u64";
    public static final String UUID_NEW_V4 = "__xerv_uuid_new_v4";
    public static final String ENV_GET = "__xerv_env_get";
    public static final String SECRET_GET = "__xerv_secret_get";
    public static final String ARENA_WINDOW = "__xerv_arena_window";

    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;

    /** Every host import with its signature. */
    public static final Map<String, FunctionType> IMPORTS = Map.ofEntries(
            Map.entry(READ_BYTES, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(WRITE_BYTES, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(SET_RESULT, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(SET_RESULT_JSON, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(SET_ERROR, fn(List.of(I32, I32), I32)),
            Map.entry(LOG, fn(List.of(I32, I32, I32), I32)),
            Map.entry(CLOCK_NOW, fn(List.of(), I64)),
            Map.entry(RNG_NEXT_U64, fn(List.of(), I64)),
            Map.entry(UUID_NEW_V4, fn(List.of(I32), I32)),
            Map.entry(ENV_GET, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(SECRET_GET, fn(List.of(I32, I32, I32, I32), I32)),
            Map.entry(ARENA_WINDOW, fn(List.of(), I32)));

    /** The required exports' signatures. */
    public static final FunctionType ALLOC_TYPE = fn(List.of(I32), I32);
    public static final FunctionType EXECUTE_TYPE = fn(List.of(I32, I32), I32);

    private static FunctionType fn(List<ValType> params, ValType result) {
        return FunctionType.of(params, List.of(result));
    }

    /** A signature as WAT writes it: {@code (i32, i32) -> i32}. */
    static String describe(FunctionType t) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < t.params().size(); i++) {
            sb.append(i > 0 ? ", " : "").append(name(t.params().get(i)));
        }
        sb.append(") -> ");
        if (t.returns().isEmpty()) {
            sb.append("()");
        } else {
            for (int i = 0; i < t.returns().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(name(t.returns().get(i)));
            }
        }
        return sb.toString();
    }

    private static String name(ValType v) {
        if (v.equals(ValType.I32)) {
            return "i32";
        }
        if (v.equals(ValType.I64)) {
            return "i64";
        }
        if (v.equals(ValType.F32)) {
            return "f32";
        }
        if (v.equals(ValType.F64)) {
            return "f64";
        }
        return v.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
