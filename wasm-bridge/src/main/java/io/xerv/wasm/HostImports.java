package io.xerv.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.FlexValue;
import io.xerv.arena.RelPtr;
import io.xerv.plugin.NodeLog;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The host side of ABI v1: the functions of import module {@code xerv}, bound to one guest instance's
 * memory and {@link CallState}. A pointer or range the guest gets wrong ends the call with a
 * {@link GuestFault} naming the import; expected misses (an unset or ungranted name) return a status.
 */
final class HostImports {

    /** Longest port name, error message and log line the host keeps (longer ones are cut). */
    static final int MAX_PORT = 255;
    static final int MAX_MESSAGE = 8192;
    static final int MAX_LOG_LINES = 1000;

    private final CallState state;
    /** Holds the instance's memory, which Chicory's builder makes after the imports are bound. */
    private final WindowedMemory[] memoryRef;

    HostImports(CallState state, WindowedMemory[] memoryRef) {
        this.state = state;
        this.memoryRef = memoryRef;
    }

    private WindowedMemory memory() {
        return memoryRef[0];
    }

    /** The import functions, to add to an instance's import values. */
    List<ImportFunction> functions() {
        List<ImportFunction> f = new ArrayList<>();
        add(f, AbiV1.READ_BYTES, (inst, a) -> i32(readBytes(a)));
        add(f, AbiV1.WRITE_BYTES, (inst, a) -> i32(writeBytes(a)));
        add(f, AbiV1.SET_RESULT, (inst, a) -> i32(setResult(a, false)));
        add(f, AbiV1.SET_RESULT_JSON, (inst, a) -> i32(setResult(a, true)));
        add(f, AbiV1.SET_ERROR, (inst, a) -> i32(setError(a)));
        add(f, AbiV1.LOG, (inst, a) -> i32(log(a)));
        add(f, AbiV1.CLOCK_NOW, (inst, a) -> new long[] {state.context.currentTimeMillis() * 1_000_000L});
        add(f, AbiV1.RNG_NEXT_U64, (inst, a) -> new long[] {state.context.random().nextLong()});
        add(f, AbiV1.UUID_NEW_V4, (inst, a) -> i32(uuid(a)));
        add(f, AbiV1.ENV_GET, (inst, a) -> i32(lookup(a, false)));
        add(f, AbiV1.SECRET_GET, (inst, a) -> i32(lookup(a, true)));
        add(f, AbiV1.ARENA_WINDOW, (inst, a) -> i32(state.windowOpen ? AbiV1.WINDOW_BASE : 0));
        return f;
    }

    private static void add(List<ImportFunction> f, String name, WasmFunctionHandle h) {
        f.add(new HostFunction(AbiV1.IMPORT_MODULE, name, AbiV1.IMPORTS.get(name), h));
    }

    private static long[] i32(int v) {
        return new long[] {v};
    }

    // ---- arena ----

    private int readBytes(long[] a) {
        long offset = (a[0] & 0xFFFF_FFFFL) | ((a[1] & 0xFFFF_FFFFL) << 32);
        int dest = (int) a[2];
        long size = a[3] & 0xFFFF_FFFFL;
        long published = state.arena.writeOffset();
        if (offset + size > published) {
            throw new GuestFault(AbiV1.READ_BYTES + ": arena range [" + offset + ", " + (offset + size)
                    + ") is outside the trace's data, which ends at " + published);
        }
        writable(AbiV1.READ_BYTES, "destination", dest, size);
        byte[] bytes = state.arena.segment().asSlice(offset, size).toArray(ValueLayout.JAVA_BYTE);
        memory().write(dest, bytes);
        return AbiV1.OK;
    }

    private int writeBytes(long[] a) {
        int src = (int) a[0];
        long size = a[1] & 0xFFFF_FFFFL;
        int outLo = (int) a[2];
        int outHi = (int) a[3];
        readable(AbiV1.WRITE_BYTES, "source", src, size);
        writable(AbiV1.WRITE_BYTES, "out_lo", outLo, 4);
        writable(AbiV1.WRITE_BYTES, "out_hi", outHi, 4);
        RelPtr p = state.arena.append(ArenaLayout.KIND_RAW, state.tag, ByteBuffer.wrap(memory().readBytes(src, (int) size)));
        memory().writeI32(outLo, p.offsetLo());
        memory().writeI32(outHi, p.offsetHi());
        return (int) size;
    }

    // ---- results ----

    private int setResult(long[] a, boolean json) {
        String name = AbiV1.SET_RESULT + (json ? "_json" : "");
        String port = text(name, "port", (int) a[0], a[1] & 0xFFFF_FFFFL, MAX_PORT);
        if (port.isEmpty()) {
            port = "out";
        }
        if (!state.settings.ports().contains(port)) {
            throw new GuestFault(name + ": the guest fired port '" + port + "', which node '" + state.settings.nodeId()
                    + "' does not declare; ports: " + String.join(", ", state.settings.config().ports()));
        }
        int data = (int) a[2];
        long size = a[3] & 0xFFFF_FFFFL;
        readable(name, "data", data, size);
        FlexValue v;
        if (size == 0) {
            v = state.arena.appendValue(state.tag, null);
        } else {
            byte[] bytes = memory().readBytes(data, (int) size);
            if (json) {
                try {
                    v = state.arena.appendJson(state.tag, bytes);
                } catch (IllegalArgumentException e) {
                    throw new GuestFault(name + ": the output is not JSON: " + e.getMessage());
                }
            } else {
                String problem = FlexCheck.problem(bytes);
                if (problem != null) {
                    throw new GuestFault(name + ": the output is not a FlexBuffers value: " + problem);
                }
                RelPtr p = state.arena.append(ArenaLayout.KIND_VALUE, state.tag, ByteBuffer.wrap(bytes));
                v = state.arena.value(p);
            }
        }
        state.port = port;
        state.value = v;
        return AbiV1.OK;
    }

    private int setError(long[] a) {
        state.error = lossyText(AbiV1.SET_ERROR, "message", (int) a[0], a[1] & 0xFFFF_FFFFL);
        return AbiV1.OK;
    }

    private int log(long[] a) {
        int level = (int) a[0];
        String msg = lossyText(AbiV1.LOG, "message", (int) a[1], a[2] & 0xFFFF_FFFFL);
        int n = ++state.logLines;
        if (n > MAX_LOG_LINES) {
            return AbiV1.OK;
        }
        NodeLog.Level l = switch (level) {
            case 0, 1 -> NodeLog.Level.DEBUG;
            case 2 -> NodeLog.Level.INFO;
            case 3 -> NodeLog.Level.WARN;
            default -> NodeLog.Level.ERROR;
        };
        state.context.log().log(l, n == MAX_LOG_LINES ? "(further lines of this call are dropped) " + state.redact(msg)
                : state.redact(msg));
        return AbiV1.OK;
    }

    // ---- services ----

    private int uuid(long[] a) {
        int dest = (int) a[0];
        writable(AbiV1.UUID_NEW_V4, "destination", dest, 16);
        UUID u = state.context.randomUuid();
        memory().writeLong(dest, Long.reverseBytes(u.getMostSignificantBits()));
        memory().writeLong(dest + 8, Long.reverseBytes(u.getLeastSignificantBits()));
        return AbiV1.OK;
    }

    private int lookup(long[] a, boolean secret) {
        String name = secret ? AbiV1.SECRET_GET : AbiV1.ENV_GET;
        String key = text(name, "key", (int) a[0], a[1] & 0xFFFF_FFFFL, 4096);
        int dest = (int) a[2];
        long cap = a[3] & 0xFFFF_FFFFL;
        writable(name, "value buffer", dest, cap);
        boolean granted = secret ? state.settings.secrets().contains(key) : state.settings.env().contains(key);
        if (!granted) {
            return AbiV1.NOT_FOUND;
        }
        String value = secret ? state.settings.services().secret(key) : state.settings.services().environment(key);
        if (value == null) {
            return AbiV1.NOT_FOUND;
        }
        if (secret) {
            state.secretsRead.add(value);
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(b.length, cap);
        memory().write(dest, b, 0, n);
        return n;
    }

    // ---- guest memory checks ----

    private void writable(String fn, String what, int ptr, long len) {
        if (len > Integer.MAX_VALUE || !memory().inGuest(ptr, (int) len)) {
            throw new GuestFault(fn + ": " + what + " [" + Integer.toUnsignedString(ptr) + ", "
                    + (Integer.toUnsignedLong(ptr) + len) + ") is outside the guest's memory ("
                    + (long) memory().pages() * 65536 + " bytes)");
        }
    }

    private void readable(String fn, String what, int ptr, long len) {
        if (len > Integer.MAX_VALUE || !memory().readable(ptr, (int) len)) {
            throw new GuestFault(fn + ": " + what + " [" + Integer.toUnsignedString(ptr) + ", "
                    + (Integer.toUnsignedLong(ptr) + len) + ") is outside the guest's memory ("
                    + (long) memory().pages() * 65536 + " bytes) and the arena window");
        }
    }

    private String text(String fn, String what, int ptr, long len, int max) {
        if (len > max) {
            throw new GuestFault(fn + ": " + what + " is " + len + " bytes long; at most " + max + " are allowed");
        }
        readable(fn, what, ptr, len);
        byte[] b = memory().readBytes(ptr, (int) len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new GuestFault(fn + ": " + what + " is not UTF-8");
        }
    }

    private String lossyText(String fn, String what, int ptr, long len) {
        readable(fn, what, ptr, len);
        int n = (int) Math.min(len, MAX_MESSAGE);
        String s = new String(memory().readBytes(ptr, n), StandardCharsets.UTF_8);
        return n < len ? s + "... (" + len + " bytes)" : s;
    }
}
