package io.xerv.wal;

/** A frame that does not decode: bad length, bad CRC, unknown type or a body that does not fit. */
public final class CorruptRecordException extends RuntimeException {

    private final long position;
    private final String detail;

    public CorruptRecordException(String message, long position) {
        super(message + " at offset " + position);
        this.position = position;
        this.detail = message;
    }

    /** Where in the segment the frame starts. */
    public long position() {
        return position;
    }

    /** What is wrong with the frame, without its position (for a CRC: the stored and the computed value). */
    public String detail() {
        return detail;
    }

    static CorruptRecordException crc(int stored, int computed, long position) {
        return new CorruptRecordException(String.format("CRC32C mismatch: stored %08x, computed %08x", stored, computed),
                position);
    }
}
