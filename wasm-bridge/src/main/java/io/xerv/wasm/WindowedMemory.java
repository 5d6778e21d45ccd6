package io.xerv.wasm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A guest's linear memory with the trace's arena mapped read-only above it.
 *
 * <p>Addresses below {@link AbiV1#WINDOW_BASE} are the guest's own memory (heap pages, capped at the
 * node's {@code memory_pages}); addresses from {@code WINDOW_BASE} read the arena at offset
 * {@code address - WINDOW_BASE}, in place, up to the end of the data published when the call began.
 * Writes there, and reads past that end, trap like any out-of-bounds access.
 *
 * <p>Owned by one guest instance, which one thread uses at a time; the window is opened and closed
 * around each call on that thread.
 */
final class WindowedMemory implements Memory {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ByteArrayMemory guest;
    private final int capPages;
    private MemorySegment window;
    private long windowLimit;
    /** Pages the guest asked for beyond the cap in this call, or 0. */
    private int refusedPages;

    /**
     * @param limits the module's declared limits
     * @param capPages the node's {@code memory_pages}; the maximum becomes the smaller of the two
     */
    WindowedMemory(MemoryLimits limits, int capPages) {
        int max = Math.min(Math.min(limits.maximumPages(), capPages), AbiV1.MAX_GUEST_PAGES);
        if (limits.initialPages() > max) {
            throw new IllegalArgumentException("the module's memory starts with " + limits.initialPages()
                    + " pages, more than the cap of " + max + " (memory_pages)");
        }
        this.guest = new ByteArrayMemory(new MemoryLimits(limits.initialPages(), max, false));
        this.capPages = max;
    }

    /** Maps {@code limit} bytes of {@code arena} from the window base for the coming call. */
    void openWindow(MemorySegment arena, long limit) {
        this.window = arena;
        this.windowLimit = Math.min(limit, Math.min(arena.byteSize(), AbiV1.WINDOW_SIZE));
        this.refusedPages = 0;
    }

    /** Unmaps the window after a call. */
    void closeWindow() {
        this.window = null;
        this.windowLimit = 0;
    }

    /** The total pages the guest last asked for beyond its cap during this call, or 0. */
    int refusedPages() {
        return refusedPages;
    }

    int capPages() {
        return capPages;
    }

    /** True when [addr, addr+len) lies in the guest's own memory. */
    boolean inGuest(int addr, int len) {
        return addr >= 0 && len >= 0 && (long) addr + len <= (long) guest.pages() * PAGE_SIZE;
    }

    /** True when [addr, addr+len) lies in guest memory or in the open window. */
    boolean readable(int addr, int len) {
        if (addr < AbiV1.WINDOW_BASE) {
            return inGuest(addr, len);
        }
        return len >= 0 && (long) addr - AbiV1.WINDOW_BASE + len <= windowLimit;
    }

    private long windowOffset(int addr, int size) {
        long off = (long) addr - AbiV1.WINDOW_BASE;
        if (off + size > windowLimit) {
            throw new WasmRuntimeException("out of bounds memory access: address " + Integer.toUnsignedString(addr)
                    + " (+" + size + ") is past the arena window, which ends at "
                    + Long.toUnsignedString(AbiV1.WINDOW_BASE + windowLimit));
        }
        return off;
    }

    private static WasmRuntimeException readOnly(int addr) {
        return new WasmRuntimeException("out of bounds memory access: address " + Integer.toUnsignedString(addr)
                + " is in the read-only arena window");
    }

    @Override
    public int pages() {
        return guest.pages();
    }

    @Override
    public int grow(int size) {
        int r = guest.grow(size);
        if (r < 0 && size > 0) {
            refusedPages = guest.pages() + size;
        }
        return r;
    }

    @Override
    public int initialPages() {
        return guest.initialPages();
    }

    @Override
    public int maximumPages() {
        return guest.maximumPages();
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return guest.lock(address);
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        return guest.waitOn(address, expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        return guest.waitOn(address, expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return guest.notify(address, maxThreads);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        guest.initialize(instance, dataSegments);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        guest.initialize(instance, dataSegments, memoryIndex);
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        guest.initPassiveSegment(segmentId, dest, offset, size);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.write(addr, data, offset, size);
    }

    @Override
    public byte read(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.read(addr);
        }
        return window.get(ValueLayout.JAVA_BYTE, windowOffset(addr, 1));
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readBytes(addr, len);
        }
        if (len < 0) {
            throw new WasmRuntimeException("out of bounds memory access: negative length " + len);
        }
        long off = windowOffset(addr, len);
        byte[] out = new byte[len];
        MemorySegment.copy(window, ValueLayout.JAVA_BYTE, off, out, 0, len);
        return out;
    }

    @Override
    public void writeI32(int addr, int data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeI32(addr, data);
    }

    @Override
    public int readInt(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readInt(addr);
        }
        return window.get(I32, windowOffset(addr, 4));
    }

    @Override
    public void writeLong(int addr, long data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeLong(addr, data);
    }

    @Override
    public long readLong(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readLong(addr);
        }
        return window.get(I64, windowOffset(addr, 8));
    }

    @Override
    public void writeShort(int addr, short data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeShort(addr, data);
    }

    @Override
    public short readShort(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readShort(addr);
        }
        return window.get(I16, windowOffset(addr, 2));
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeByte(int addr, byte data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeByte(addr, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeF32(addr, data);
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readFloat(addr);
        }
        return window.get(F32, windowOffset(addr, 4));
    }

    @Override
    public void writeF64(int addr, double data) {
        if (addr >= AbiV1.WINDOW_BASE) {
            throw readOnly(addr);
        }
        guest.writeF64(addr, data);
    }

    @Override
    public double readDouble(int addr) {
        if (addr < AbiV1.WINDOW_BASE) {
            return guest.readDouble(addr);
        }
        return window.get(F64, windowOffset(addr, 8));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void zero() {
        guest.zero();
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        if (toIndex > AbiV1.WINDOW_BASE || fromIndex >= AbiV1.WINDOW_BASE) {
            throw readOnly(Math.max(fromIndex, AbiV1.WINDOW_BASE));
        }
        guest.fill(value, fromIndex, toIndex);
    }

    @Override
    public void copy(int dest, int src, int size) {
        if (dest >= AbiV1.WINDOW_BASE || (long) dest + size > AbiV1.WINDOW_BASE) {
            throw readOnly(dest);
        }
        if (src < AbiV1.WINDOW_BASE) {
            guest.copy(dest, src, size);
        } else {
            guest.write(dest, readBytes(src, size));
        }
    }

    @Override
    public void drop(int segment) {
        guest.drop(segment);
    }
}
