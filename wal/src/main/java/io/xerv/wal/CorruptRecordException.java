package io.xerv.wal;

/** A frame that does not decode: bad length, bad CRC, unknown type or a body that does not fit. */
public final class CorruptRecordException extends RuntimeException {

    private final long position;

    public CorruptRecordException(String message, long position) {
        super(message + " at offset " + position);
        this.position = position;
    }

    /** Where in the segment the frame starts. */
    public long position() {
        return position;
    }

    static CorruptRecordException crc(int stored, int computed, long position) {
        return new CorruptRecordException(String.format("CRC32C mismatch: stored %08x, computed %08x", stored, computed),
                position);
    }
}
