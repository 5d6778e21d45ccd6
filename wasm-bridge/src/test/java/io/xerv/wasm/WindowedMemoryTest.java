package io.xerv.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The guest memory with the arena window above it: what a guest's loads and stores reach. */
class WindowedMemoryTest {

    static MemorySegment arena(int size) {
        MemorySegment s = Arena.ofAuto().allocate(size);
        for (int i = 0; i < size; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        return s;
    }

    @Test
    void windowAddressesShouldReadTheArenaInPlace() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 4), 4);
        MemorySegment a = arena(4096);
        m.openWindow(a, 1000);
        assertThat(m.read(AbiV1.WINDOW_BASE + 7)).isEqualTo((byte) 7);
        assertThat(m.readInt(AbiV1.WINDOW_BASE + 4)).isEqualTo(0x07060504);
        assertThat(m.readLong(AbiV1.WINDOW_BASE)).isEqualTo(0x0706050403020100L);
        assertThat(m.readBytes(AbiV1.WINDOW_BASE + 996, 4)).containsExactly(996 & 0xFF, 997 & 0xFF, 998 & 0xFF, 999 & 0xFF);
        a.set(ValueLayout.JAVA_BYTE, 8, (byte) 99);
        assertThat(m.read(AbiV1.WINDOW_BASE + 8)).as("no copy: a change shows at once").isEqualTo((byte) 99);
    }

    @Test
    void readsPastTheWindowsEndShouldTrap() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 4), 4);
        m.openWindow(arena(4096), 1000);
        assertThatThrownBy(() -> m.readInt(AbiV1.WINDOW_BASE + 998)).isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("past the arena window");
        m.closeWindow();
        assertThatThrownBy(() -> m.read(AbiV1.WINDOW_BASE)).isInstanceOf(WasmRuntimeException.class);
    }

    @Test
    void storesIntoTheWindowShouldTrap() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 4), 4);
        m.openWindow(arena(4096), 4096);
        assertThatThrownBy(() -> m.writeI32(AbiV1.WINDOW_BASE, 1)).isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("read-only arena window");
        assertThatThrownBy(() -> m.writeByte(AbiV1.WINDOW_BASE + 5, (byte) 1)).isInstanceOf(WasmRuntimeException.class);
        assertThatThrownBy(() -> m.write(AbiV1.WINDOW_BASE, new byte[4], 0, 4)).isInstanceOf(WasmRuntimeException.class);
    }

    @Test
    void guestMemoryShouldWorkBelowTheWindowAndStopAtItsSize() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 4), 4);
        m.writeLong(16, 42L);
        assertThat(m.readLong(16)).isEqualTo(42L);
        assertThatThrownBy(() -> m.readInt(65536)).isInstanceOf(WasmRuntimeException.class);
        assertThat(m.inGuest(65532, 4)).isTrue();
        assertThat(m.inGuest(65533, 4)).isFalse();
    }

    @Test
    void growthShouldStopAtTheCapAndBeRecorded() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 100), 3);
        assertThat(m.maximumPages()).isEqualTo(3);
        assertThat(m.grow(2)).isEqualTo(1);
        assertThat(m.refusedPages()).isZero();
        assertThat(m.grow(1)).isEqualTo(-1);
        assertThat(m.refusedPages()).isEqualTo(4);
        assertThat(m.pages()).isEqualTo(3);
    }

    @Test
    void aModuleStartingAboveTheCapShouldBeRefused() {
        assertThatThrownBy(() -> new WindowedMemory(new MemoryLimits(17, 100), 16))
                .hasMessage("the module's memory starts with 17 pages, more than the cap of 16 (memory_pages)");
    }

    @Test
    void guestMemoryShouldNeverReachTheWindow() {
        WindowedMemory m = new WindowedMemory(new MemoryLimits(1, 65536), AbiV1.MAX_GUEST_PAGES);
        assertThat((long) m.maximumPages() * 65536).isLessThanOrEqualTo(AbiV1.WINDOW_BASE);
    }
}
