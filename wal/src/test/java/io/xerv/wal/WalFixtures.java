package io.xerv.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Records, frames and helpers the WAL tests share. Stateless. */
final class WalFixtures {

    static final UUID TRACE = UUID.fromString("6f1c2a3e-0000-4000-8000-00000000abcd");
    static final long TIME = 1_750_000_000_000L;
    /** The segment single frames are encoded for. */
    static final byte SEGMENT = 7;

    private WalFixtures() {
    }

    /** One record of every type, with every field set to something other than its default. */
    static List<WalRecord> oneOfEach() {
        return List.of(
                new WalRecord.TraceStart(TRACE, TIME, "orders", "1.2.0", "sha256:ab12", "http", 4096L, 512),
                new WalRecord.NodeStart(TRACE, TIME + 1, "2[1]/7@3", 7, 2),
                new WalRecord.NodeDone(TRACE, TIME + 2, "4", 4, "out", 8192L, 77, 1),
                new WalRecord.NodeError(TRACE, TIME + 3, "5", 5, 3, "timeout after 30 s — naïve retry", true),
                new WalRecord.TraceComplete(TRACE, TIME + 4),
                new WalRecord.TraceFailed(TRACE, TIME + 5, "cancelled by operator"),
                new WalRecord.TraceSuspended(TRACE, TIME + 6, "9", 9, "approve-42", TIME + 60_000),
                new WalRecord.TraceResumed(TRACE, TIME + 7, "approve-42", "approved", 16384L, 12, true),
                new WalRecord.Checkpoint(new UUID(0, 0), TIME + 8, 3L, 12),
                new WalRecord.LoopIteration(TRACE, TIME + 9, "3@2", 3, 2),
                new WalRecord.ArenaData(TRACE, TIME + 10, 504L, new byte[] {1, 2, 3, 0, -1, 42}),
                new WalRecord.Carried(TRACE, TIME + 11, 1, 3, new WalRecord.NodeDone(TRACE, TIME + 2, "4", 4, "out", 8192L, 77, 1)));
    }

    /** A small record naming trace {@code trace} and run {@code i}; distinct for distinct arguments. */
    static WalRecord nodeDone(UUID trace, int i) {
        return new WalRecord.NodeDone(trace, TIME + i, Integer.toString(i), i, "out", i * 64L, 8, 1);
    }

    static WalRecord traceStart(UUID trace) {
        return new WalRecord.TraceStart(trace, TIME, "p", "1", "d", "t", 0L, 0);
    }

    static UUID trace(int n) {
        return new UUID(0x7ace, n);
    }

    /** Appends {@code r} and waits until it is durable; returns its LSN. */
    static long appendDurably(Wal wal, WalRecord r) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        wal.append(r, null, (lsn, error) -> {
            if (error == null) {
                done.complete(lsn);
            } else {
                done.completeExceptionally(error);
            }
        });
        return done.orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Appends all of {@code records} without waiting between them, then waits until all are durable. */
    static void appendAllDurably(Wal wal, List<WalRecord> records) {
        CountDownLatch done = new CountDownLatch(records.size());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (WalRecord r : records) {
            wal.append(r, null, (lsn, error) -> {
                if (error != null) {
                    failed.compareAndSet(null, error);
                }
                done.countDown();
            });
        }
        try {
            if (!done.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("records not durable after 10 s");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failed.get() != null) {
            throw new AssertionError("a record failed", failed.get());
        }
        // The writer may still be rolling: let it finish before the caller looks at the files.
        wal.awaitWriterIdle(10_000);
    }

    /** The frame of {@code r} as a byte array. */
    static byte[] frame(WalRecord r) {
        ByteBuffer b = ByteBuffer.allocate(300_000);
        WalCodec.encode(r, b, SEGMENT);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** The frame of {@code r} as a host before segment tags wrote it: version 1, zero tag, checksum of the bytes alone. */
    static byte[] legacyFrame(WalRecord r) {
        byte[] f = frame(r);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put(RecordDescriptor.VERSION_OFFSET, RecordDescriptor.LEGACY_VERSION);
        b.putShort(RecordDescriptor.TAG_OFFSET, (short) 0);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(f, RecordDescriptor.TYPE_OFFSET, f.length - RecordDescriptor.TYPE_OFFSET);
        b.putInt(RecordDescriptor.CRC_OFFSET, (int) c.getValue());
        return f;
    }

    static int lengthOf(byte[] frame) {
        return ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).getInt(RecordDescriptor.LENGTH_OFFSET);
    }

    /** The segment tag of the frame at {@code frames}' position: its segment's number, below 65536. */
    static int tagOf(ByteBuffer frames) {
        return Short.toUnsignedInt(frames.order(ByteOrder.LITTLE_ENDIAN).getShort(frames.position() + RecordDescriptor.TAG_OFFSET));
    }

    /** The number in a segment file's name. */
    static int segmentNumber(Path segment) {
        String n = segment.getFileName().toString();
        return Integer.parseInt(n.substring(n.indexOf('-') + 1, n.length() - 4));
    }

    /** The start offset of every whole frame in {@code bytes}, then the offset where they end. */
    static List<Integer> frameOffsets(byte[] bytes, int segment) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        while (b.hasRemaining()) {
            offsets.add(b.position());
            WalCodec.decode(b, b.position(), segment);
        }
        offsets.add(b.position());
        return offsets;
    }

    /** Every record in a segment file. */
    static List<WalRecord> read(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<WalRecord> out = new ArrayList<>();
        int segmentNumber = segmentNumber(segment);
        // A live segment is reserved ahead of its data: a zero length ends what was written. A
        // segment the log rolled away from ends with its end frame. A live segment in a reused file
        // has an earlier use's bytes after its data, which do not decode in this segment.
        while (b.remaining() >= 4 && b.getInt(b.position()) != 0 && !WalCodec.endsSegment(b, segmentNumber)) {
            try {
                out.add(WalCodec.decode(b, b.position(), segmentNumber));
            } catch (CorruptRecordException e) {
                break;
            }
        }
        return out;
    }
}
