package io.xerv.arena;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.xerv.arena.Arena.U16;
import static io.xerv.arena.Arena.U32;
import static io.xerv.arena.Arena.U64;
import static io.xerv.arena.ArenaLayout.*;

/**
 * Reads arena files without a store, for {@code xerv inspect}: a slab (many arenas) or a dedicated
 * trace file (one). Read-only; safe on files a running host is writing.
 */
public final class ArenaFile {

    private ArenaFile() {
    }

    /** One arena's header and entries, decoded. */
    public record Snapshot(long fileOffset, UUID traceId, short state, long writeOffset, long capacity,
                           long createdMillis, long finishedMillis, ConfigBlock config, String configError,
                           List<EntrySnapshot> entries) {
    }

    /**
     * One entry.
     *
     * @param value the decoded value as JSON, or the decoding error
     */
    public record EntrySnapshot(RelPtr ptr, byte kind, int tag, String value) {
    }

    /**
     * Reads every arena in a file whose header is valid (free slots are skipped).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the file holds no arena header at all
     */
    public static List<Snapshot> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             java.lang.foreign.Arena mapping = java.lang.foreign.Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER_LENGTH) {
                throw new IllegalArgumentException(file + " is not an arena file: " + size + " bytes is shorter than a header");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, mapping);
            long slotSize = -1;
            for (long off = 0; off + HEADER_LENGTH <= size; off += slotSize > 0 ? slotSize : size) {
                if (all.get(U32, off + MAGIC_OFFSET) == MAGIC) {
                    slotSize = all.get(U64, off + CAPACITY_OFFSET);
                    break;
                }
                if (slotSize < 0) {
                    break;
                }
            }
            if (slotSize <= 0) {
                throw new IllegalArgumentException(file + " is not an arena file: no header with magic 'XRVA' at offset 0");
            }
            boolean dedicated = all.get(U32, SLOT_OFFSET) == -1;
            if (dedicated) {
                slotSize = size;
            }
            List<Snapshot> out = new ArrayList<>();
            for (long off = 0; off + HEADER_LENGTH <= size; off += slotSize) {
                MemorySegment seg = all.asSlice(off, Math.min(slotSize, size - off));
                if (seg.get(U32, MAGIC_OFFSET) != MAGIC) {
                    continue;
                }
                short state = seg.get(U16, STATE_OFFSET);
                if (state == STATE_FREE) {
                    continue;
                }
                out.add(snapshot(off, seg));
            }
            return out;
        }
    }

    private static Snapshot snapshot(long fileOffset, MemorySegment seg) {
        UUID id = new UUID(seg.get(U64, TRACE_ID_OFFSET), seg.get(U64, TRACE_ID_OFFSET + 8));
        short state = seg.get(U16, STATE_OFFSET);
        long write = Math.min(seg.get(U64, WRITE_OFFSET_OFFSET), seg.byteSize());
        int cfgSize = seg.get(U32, CONFIG_SIZE_OFFSET);
        ConfigBlock cfg = null;
        String cfgError = null;
        if (cfgSize < 0 || CONFIG_OFFSET + (long) cfgSize > seg.byteSize()) {
            cfgError = "config size " + cfgSize + " is out of range";
            cfgSize = 0;
        } else {
            try {
                cfg = ConfigBlock.decode(seg.asSlice(CONFIG_OFFSET, cfgSize).toArray(ValueLayout.JAVA_BYTE));
            } catch (IllegalArgumentException e) {
                cfgError = e.getMessage();
            }
        }
        List<EntrySnapshot> entries = new ArrayList<>();
        long off = dataStart(cfgSize);
        while (off + ENTRY_HEADER_LENGTH <= write) {
            int len = seg.get(U32, off + ENTRY_LENGTH_OFFSET);
            if (len < 0 || off + ENTRY_HEADER_LENGTH + len > write) {
                break;
            }
            byte kind = seg.get(ValueLayout.JAVA_BYTE, off + ENTRY_KIND_OFFSET);
            int tag = Short.toUnsignedInt(seg.get(U16, off + ENTRY_TAG_OFFSET));
            RelPtr p = new RelPtr(off + ENTRY_HEADER_LENGTH, len);
            String text;
            if (kind == KIND_VALUE) {
                try {
                    byte[] bytes = seg.asSlice(p.offset(), len).toArray(ValueLayout.JAVA_BYTE);
                    text = FlexValue.of(bytes).toString();
                } catch (RuntimeException e) {
                    text = "<undecodable: " + e + ">";
                }
            } else {
                text = "<" + len + " raw bytes>";
            }
            entries.add(new EntrySnapshot(p, kind, tag, text));
            off = align(off + ENTRY_HEADER_LENGTH + len);
        }
        return new Snapshot(fileOffset, id, state, write, seg.get(U64, CAPACITY_OFFSET),
                seg.get(U64, CREATED_OFFSET), seg.get(U64, FINISHED_OFFSET), cfg, cfgError, entries);
    }

}
