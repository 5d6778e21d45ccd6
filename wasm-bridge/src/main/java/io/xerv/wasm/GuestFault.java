package io.xerv.wasm;

/**
 * Thrown by a host import when the guest broke the ABI (a pointer outside its memory, a range outside
 * the trace's data, a port the node does not declare). It ends the call like a trap: the node fails
 * with this message and its instance is discarded.
 */
final class GuestFault extends RuntimeException {

    GuestFault(String message) {
        super(message, null, false, false);
    }
}
