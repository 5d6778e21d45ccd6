package io.xerv.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.xerv.arena.Arena;
import io.xerv.arena.ArenaLayout;
import io.xerv.arena.ArenaWriter;
import io.xerv.arena.FlexValue;
import io.xerv.arena.RelPtr;
import io.xerv.plugin.Completion;
import io.xerv.plugin.Input;
import io.xerv.plugin.Node;
import io.xerv.plugin.NodeContext;
import io.xerv.plugin.NodeFactory;
import io.xerv.plugin.Value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code wasm} node: runs one guest call per execution on a pooled instance of its module.
 *
 * <p>Inputs go to the guest as ABI v1 entries naming arena regions; the guest reads them in place
 * through the arena window, or copies them with {@code __xerv_read_bytes}. A call that traps, breaks
 * the ABI, or runs past {@code cpu_limit_ms} fails this node only and its instance is discarded, so the
 * next call starts from a fresh one. Thread-safe: concurrent traces each take their own instance.
 */
final class WasmNode implements Node {

    /** FlexBuffers for null: the output of a guest that set no result. */
    private static final byte[] NULL_VALUE = {0, 0, 1};

    private final WasmNodeSettings settings;
    private final ArrayBlockingQueue<GuestInstance> idle;
    private final long limitNanos;
    /** UTF-8 of the input names this node sees on every run: {@code in} and its {@code inputs:} keys. */
    private final Map<String, byte[]> nameBytes = new HashMap<>();

    WasmNode(WasmNodeSettings settings) {
        this.settings = settings;
        this.idle = new ArrayBlockingQueue<>(settings.config().poolSize());
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(settings.config().cpuLimitMs());
        nameBytes.put(NodeFactory.DEFAULT_INPUT, NodeFactory.DEFAULT_INPUT.getBytes(StandardCharsets.UTF_8));
        for (String n : settings.config().inputs()) {
            nameBytes.put(n, n.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Instantiates one instance now (a deploy-time check that the module links and starts), and pools it. */
    void warmUp() {
        GuestInstance g = instantiate();
        if (!idle.offer(g)) {
            g.discard();
        }
    }

    @Override
    public Completion execute(NodeContext context) {
        if (!(context.output() instanceof ArenaWriter writer)) {
            return Completion.fail("wasm node '" + settings.nodeId() + "' needs the host's arena writer");
        }
        Arena arena = writer.arena();
        int tag = writer.tag();

        List<Input> fired = context.inputs();
        List<String> named = settings.config().inputs();
        int count = fired.size() + named.size();
        String[] names = new String[count];
        RelPtr[] ptrs = new RelPtr[count];
        int k = 0;
        for (Input in : fired) {
            names[k] = in.port();
            ptrs[k++] = ptrOf(in.value(), arena, tag);
        }
        if (!named.isEmpty()) {
            Value inputs = context.config().get("inputs");
            for (String name : named) {
                Value v = inputs == null ? null : inputs.get(name);
                names[k] = name;
                ptrs[k++] = ptrOf(v, arena, tag);
            }
        }

        GuestInstance g = idle.poll();
        boolean keep = false;
        try {
            if (g == null) {
                g = instantiate();
            }
            Completion c = call(g, context, arena, tag, names, ptrs);
            keep = true;
            return c;
        } catch (RuntimeException | StackOverflowError e) {
            return Completion.fail(describe(g, e), e);
        } finally {
            if (g != null) {
                g.memory.closeWindow();
                g.state.end();
                if (!keep || !idle.offer(g)) {
                    g.discard();
                }
            }
        }
    }

    private GuestInstance instantiate() {
        return GuestInstance.create(settings, limitNanos);
    }

    private Completion call(GuestInstance g, NodeContext context, Arena arena, int tag, String[] names, RelPtr[] ptrs) {
        boolean window = settings.config().inPlace();
        if (window) {
            g.memory.openWindow(arena.segment(), arena.writeOffset());
        }
        g.state.begin(context, arena, tag, window);
        g.clock.start(limitNanos);
        long status;
        try {
            int block = writeEntries(g, names, ptrs);
            status = g.execute.apply(block, names.length)[0];
        } finally {
            if (g.clock.stop()) {
                throw new TimeLimitExceeded();
            }
        }
        CallState s = g.state;
        if (s.error != null) {
            return Completion.fail(s.redact(s.error));
        }
        if (s.port != null) {
            return Completion.emit(s.port, s.value);
        }
        if ((int) status != 0) {
            return Completion.fail("the guest returned status " + (int) status + " without setting an error");
        }
        return Completion.out(arena.value(arena.append(ArenaLayout.KIND_VALUE, tag, ByteBuffer.wrap(NULL_VALUE))));
    }

    /** Allocates the entry table and the names in one guest block and fills them in. */
    private int writeEntries(GuestInstance g, String[] names, RelPtr[] ptrs) {
        int count = names.length;
        byte[][] nameBytes = new byte[count][];
        int size = count * AbiV1.ENTRY_LENGTH;
        for (int i = 0; i < count; i++) {
            byte[] b = this.nameBytes.get(names[i]);
            nameBytes[i] = b != null ? b : names[i].getBytes(StandardCharsets.UTF_8);
            size += nameBytes[i].length;
        }
        int block = (int) g.alloc.apply(size)[0];
        if (!g.memory.inGuest(block, size)) {
            throw new GuestFault(AbiV1.ALLOC + "(" + size + ") returned " + Integer.toUnsignedString(block)
                    + ", which is not a block inside the guest's memory");
        }
        int name = block + count * AbiV1.ENTRY_LENGTH;
        for (int i = 0; i < count; i++) {
            int e = block + i * AbiV1.ENTRY_LENGTH;
            g.memory.write(name, nameBytes[i]);
            g.memory.writeI32(e + AbiV1.ENTRY_NAME_PTR_OFFSET, name);
            g.memory.writeI32(e + AbiV1.ENTRY_NAME_LEN_OFFSET, nameBytes[i].length);
            g.memory.writeI32(e + AbiV1.ENTRY_OFFSET_LO_OFFSET, ptrs[i].offsetLo());
            g.memory.writeI32(e + AbiV1.ENTRY_OFFSET_HI_OFFSET, ptrs[i].offsetHi());
            g.memory.writeI32(e + AbiV1.ENTRY_SIZE_OFFSET, ptrs[i].size());
            name += nameBytes[i].length;
        }
        return block;
    }

    /** Where an input lives in the arena; values that live elsewhere are appended first. */
    private static RelPtr ptrOf(Value v, Arena arena, int tag) {
        if (v instanceof FlexValue fv && fv.ptr() != null) {
            return fv.ptr();
        }
        return arena.appendValue(tag, v).ptr();
    }

    /** The message a failed call leaves on the node. */
    private String describe(GuestInstance g, Throwable e) {
        String module = settings.modulePath().getFileName().toString();
        GuestFault fault = find(e, GuestFault.class);
        String msg;
        if (e instanceof TimeLimitExceeded) {
            msg = "the guest ran longer than cpu_limit_ms (" + settings.config().cpuLimitMs() + " ms) and was stopped";
        } else if (fault != null) {
            msg = fault.getMessage();
        } else if (find(e, ChicoryInterruptedException.class) != null) {
            msg = "the guest was interrupted (the node's timeout_ms passed or the host is stopping)";
        } else if (e instanceof StackOverflowError || find(e, StackOverflowError.class) != null
                || String.valueOf(e.getMessage()).contains("call stack exhausted")) {
            msg = "the guest exhausted its call stack (unbounded or too deep recursion)";
        } else if (e instanceof IllegalStateException) {
            msg = e.getMessage();
        } else {
            // Chicory's traps, and what a trapping instruction throws in compiled code (/ by zero).
            msg = "the guest trapped: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (g != null && g.memory.refusedPages() > 0) {
            msg += " (memory growth to " + g.memory.refusedPages() + " pages was refused: the cap is "
                    + g.memory.capPages() + " pages, memory_pages)";
        }
        return (g == null ? msg : g.state.redact(msg)) + " [" + module + "]";
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Thrown when the watchdog stopped a call that ran past its limit. */
    private static final class TimeLimitExceeded extends RuntimeException {
        TimeLimitExceeded() {
            super("time limit exceeded", null, false, false);
        }
    }
}
