package io.xerv.host.serve;

import io.xerv.arena.Arena;
import io.xerv.arena.FlexValue;
import io.xerv.arena.RelPtr;
import io.xerv.arena.ValueCodec;
import io.xerv.host.engine.NodeReport;
import io.xerv.host.engine.NodeStatus;
import io.xerv.host.engine.TraceReport;
import io.xerv.host.engine.TraceStatus;
import io.xerv.plugin.Value;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A finished trace's report packed into one record of bytes, which is all the API keeps of the trace
 * ({@link FinishedTraces}, which copies it off the heap). Under webhook load the kept traces are young
 * at every young collection, so each object they hold is copied again and again: a packed trace is no
 * object on the heap, where the report it comes from is some fifty, and packing one makes no array of
 * its own (bar a non-ASCII string's bytes).
 *
 * <p>Layout, little-endian. The fixed header comes first so that a trace listing reads the id,
 * times, status and pipeline of a record without decoding the rest.
 *
 * <pre>
 *   0                   8                   16                  24                  32     33
 *   +-------------------+-------------------+-------------------+-------------------+------+
 *   | trace id msb i64  | trace id lsb i64  | startedAt i64     | micros i64        | st u8|
 *   +-------------------+-------------------+-------------------+-------------------+------+
 *  33 pipeline, version, trigger, error            (strings)
 *     suspended hooks   count i32, then strings
 *     blobs             count i32, then each: length i32, FlexBuffers bytes
 *     result            blob index i32 (-1: null)
 *     nodes             count i32, then each: id, type (strings), status u8, port (string),
 *                       output blob index i32 (-1: null), micros i64, runs i32, attempts i32,
 *                       error (string), logs (count i32, then strings)
 *
 *  string: UTF-8 length i32 (-1: null), then the UTF-8 bytes
 *  st, status: the ordinal of TraceStatus, NodeStatus
 * </pre>
 *
 * <p>Outputs are FlexBuffers blobs: an arena entry is copied as its bytes, once however many nodes
 * passed it on; any other value (a field of an entry, a map built by the engine) is encoded anew.
 * Decoding copies each blob into a {@link FlexValue} of its own. Stateless and thread-safe (each
 * thread encodes into a buffer of its own, which {@link #encode} hands back).
 */
final class PackedTrace {

    static final int TRACE_ID_MSB_OFFSET = 0;
    static final int TRACE_ID_LSB_OFFSET = TRACE_ID_MSB_OFFSET + Long.BYTES;
    static final int STARTED_AT_OFFSET = TRACE_ID_LSB_OFFSET + Long.BYTES;
    static final int MICROS_OFFSET = STARTED_AT_OFFSET + Long.BYTES;
    static final int STATUS_OFFSET = MICROS_OFFSET + Long.BYTES;
    static final int PIPELINE_OFFSET = STATUS_OFFSET + 1;

    /** The length prefix of a null string or the index of a null value. */
    private static final int NULL = -1;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final TraceStatus[] TRACE_STATUSES = TraceStatus.values();
    private static final NodeStatus[] NODE_STATUSES = NodeStatus.values();

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

    private PackedTrace() {
    }

    /**
     * Packs a report. Runs on the trace's context while its arena is readable.
     *
     * @param startedAt epoch millis when the trace was accepted (0 when unknown)
     * @param arena the trace's arena, whose entries the report's values may be; null when it has none
     *     (values are then encoded from what they read)
     * @return the record, from the buffer's position to its limit: this thread's encoding buffer, valid
     *     until the thread encodes again (copy it to keep it)
     */
    static ByteBuffer encode(TraceReport r, long startedAt, Arena arena) {
        Writer w = WRITER.get();
        try {
            return w.write(r, startedAt, arena);
        } finally {
            w.forget();
        }
    }

    /** The whole report back, its values {@link FlexValue}s on the heap (one per blob, shared as when packed). */
    static TraceReport decode(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).position(PIPELINE_OFFSET);
        String pipeline = string(b);
        String version = string(b);
        String trigger = string(b);
        String error = string(b);
        List<String> suspended = strings(b);
        FlexValue[] blobs = new FlexValue[b.getInt()];
        for (int i = 0; i < blobs.length; i++) {
            int length = b.getInt();
            // A copy: the FlexBuffers reader reads a heap buffer's whole array, ignoring a slice's offset.
            blobs[i] = FlexValue.of(Arrays.copyOfRange(record, b.position(), b.position() + length));
            b.position(b.position() + length);
        }
        Value result = blob(blobs, b.getInt());
        NodeReport[] nodes = new NodeReport[b.getInt()];
        for (int i = 0; i < nodes.length; i++) {
            String id = string(b);
            String type = string(b);
            NodeStatus status = NODE_STATUSES[b.get()];
            String port = string(b);
            Value output = blob(blobs, b.getInt());
            long micros = b.getLong();
            int runs = b.getInt();
            int attempts = b.getInt();
            String nodeError = string(b);
            nodes[i] = new NodeReport(id, type, status, port, output, micros, runs, attempts, nodeError, strings(b));
        }
        return new TraceReport(traceId(record), pipeline, version, trigger, status(record), List.of(nodes), result,
                error, suspended, (long) LONG.get(record, MICROS_OFFSET));
    }

    /** The trace's id. */
    static UUID traceId(byte[] record) {
        return new UUID((long) LONG.get(record, TRACE_ID_MSB_OFFSET), (long) LONG.get(record, TRACE_ID_LSB_OFFSET));
    }

    /** Epoch millis when the trace was accepted (0 when unknown). */
    static long startedAt(byte[] record) {
        return (long) LONG.get(record, STARTED_AT_OFFSET);
    }

    /** How the trace ended. */
    static TraceStatus status(byte[] record) {
        return TRACE_STATUSES[record[STATUS_OFFSET]];
    }

    /** The trace's pipeline. */
    static String pipeline(byte[] record) {
        return string(record, PIPELINE_OFFSET);
    }

    /**
     * Whether the trace ran in the pipeline named by {@code utf8}: compares bytes, so a listing
     * filters without making a string per record.
     */
    static boolean pipelineIs(byte[] record, byte[] utf8) {
        int from = PIPELINE_OFFSET + Integer.BYTES;
        return (int) INT.get(record, PIPELINE_OFFSET) == utf8.length
                && Arrays.equals(record, from, from + utf8.length, utf8, 0, utf8.length);
    }

    /** The flow version the trace ran. */
    static String version(byte[] record) {
        return string(record, PIPELINE_OFFSET + Integer.BYTES + Math.max(0, (int) INT.get(record, PIPELINE_OFFSET)));
    }

    private static String string(byte[] record, int at) {
        int length = (int) INT.get(record, at);
        return length == NULL ? null : new String(record, at + Integer.BYTES, length, StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        int length = b.getInt();
        if (length == NULL) {
            return null;
        }
        String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
        b.position(b.position() + length);
        return s;
    }

    private static List<String> strings(ByteBuffer b) {
        int n = b.getInt();
        if (n == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(string(b));
        }
        return Collections.unmodifiableList(out);
    }

    private static Value blob(FlexValue[] blobs, int index) {
        return index == NULL ? null : blobs[index];
    }

    /** One thread's encoding buffer, holding its last record until the next, and scratch reset after each. */
    private static final class Writer {
        private static final int INITIAL = 4096;
        /** A buffer grown past this for one large trace is dropped at the next encode, not kept for good. */
        private static final int KEEP = 1 << 20;

        private ByteBuffer buf = ByteBuffer.allocate(INITIAL).order(ByteOrder.LITTLE_ENDIAN);
        /** The arena entries copied so far, by blob index. */
        private RelPtr[] copied = new RelPtr[16];
        /** Each node's output blob index. */
        private int[] outputs = new int[16];
        private int blobs;

        ByteBuffer write(TraceReport r, long startedAt, Arena arena) {
            if (buf.capacity() > KEEP) {
                buf = ByteBuffer.allocate(INITIAL).order(ByteOrder.LITTLE_ENDIAN);
            } else {
                buf.clear();
            }
            ensure(PIPELINE_OFFSET);
            buf.putLong(r.traceId().getMostSignificantBits()).putLong(r.traceId().getLeastSignificantBits())
                    .putLong(startedAt).putLong(r.micros()).put((byte) r.status().ordinal());
            putString(r.pipeline());
            putString(r.version());
            putString(r.trigger());
            putString(r.error());
            putStrings(r.suspendedHooks());

            List<NodeReport> nodes = r.nodes();
            if (outputs.length < nodes.size()) {
                outputs = new int[Math.max(nodes.size(), outputs.length * 2)];
            }
            ensure(Integer.BYTES);
            int blobCountAt = buf.position();
            buf.position(blobCountAt + Integer.BYTES);
            for (int i = 0; i < nodes.size(); i++) {
                outputs[i] = putBlob(nodes.get(i).output(), arena);
            }
            int result = putBlob(r.result(), arena);
            buf.putInt(blobCountAt, blobs);

            ensure(2 * Integer.BYTES);
            buf.putInt(result).putInt(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                NodeReport n = nodes.get(i);
                putString(n.id());
                putString(n.type());
                ensure(1);
                buf.put((byte) n.status().ordinal());
                putString(n.port());
                ensure(3 * Integer.BYTES + Long.BYTES);
                buf.putInt(outputs[i]).putLong(n.micros()).putInt(n.runs()).putInt(n.attempts());
                putString(n.error());
                putStrings(n.logs());
            }
            return buf.flip();
        }

        /** Drops the arena entries the last record copied, so that the thread does not hold them. */
        void forget() {
            Arrays.fill(copied, 0, blobs, null);
            blobs = 0;
        }

        /** Writes a value's blob unless it is an arena entry written already; returns its index. */
        private int putBlob(Value v, Arena arena) {
            if (v == null) {
                return NULL;
            }
            RelPtr ptr = arena != null && v instanceof FlexValue f ? f.ptr() : null;
            if (ptr != null) {
                for (int i = 0; i < blobs; i++) {
                    if (ptr.equals(copied[i])) {
                        return i;
                    }
                }
            }
            ByteBuffer bytes = ptr != null ? arena.payload(ptr) : ValueCodec.encode(v);
            ensure(Integer.BYTES + bytes.remaining());
            buf.putInt(bytes.remaining()).put(bytes);
            if (blobs == copied.length) {
                copied = Arrays.copyOf(copied, blobs * 2);
            }
            copied[blobs] = ptr;
            return blobs++;
        }

        private void putStrings(List<String> strings) {
            ensure(Integer.BYTES);
            buf.putInt(strings.size());
            for (int i = 0; i < strings.size(); i++) {
                putString(strings.get(i));
            }
        }

        /** Writes a string as UTF-8 (a lone surrogate becomes '?', as {@link String#getBytes} makes it). */
        private void putString(String s) {
            if (s == null) {
                ensure(Integer.BYTES);
                buf.putInt(NULL);
                return;
            }
            // Most ids, names and log lines are ASCII: their chars are their UTF-8 bytes, copied straight
            // into the buffer. Anything else goes through the JDK's encoder, which makes an array.
            int n = s.length();
            ensure(Integer.BYTES + (long) n);
            byte[] a = buf.array();
            int at = buf.arrayOffset() + buf.position() + Integer.BYTES;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    ensure(Integer.BYTES + (long) utf8.length);
                    buf.putInt(utf8.length).put(utf8);
                    return;
                }
                a[at + i] = (byte) c;
            }
            buf.putInt(n).position(buf.position() + n);
        }

        private void ensure(long more) {
            if (buf.remaining() >= more) {
                return;
            }
            long need = buf.position() + more;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a trace report does not fit in one array: " + need + " bytes");
            }
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.capacity()));
            ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            grown.put(buf);
            buf = grown;
        }
    }
}
