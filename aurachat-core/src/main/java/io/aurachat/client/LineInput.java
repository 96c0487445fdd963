package io.aurachat.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads {@code \n}-terminated lines from the server into one reused buffer that grows up to a bound. */
final class LineInput {

    private final InputStream in;
    private final int maxLineLength;
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[1024];
    private int length;

    LineInput(InputStream in, int maxLineLength) {
        this.in = in;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Reads the next line into {@link #bytes()} (without its terminator; {@link #length()} bytes).
     *
     * @return {@code false} at the end of the stream between lines
     * @throws EOFException if the stream ends inside a line
     * @throws ProtocolException if a line is longer than the bound
     */
    boolean next() throws IOException {
        length = 0;
        while (true) {
            if (chunkPos == chunkEnd) {
                int n = in.read(chunk);
                if (n < 0) {
                    if (length == 0) {
                        return false;
                    }
                    throw new EOFException("the server closed the connection inside a line");
                }
                chunkPos = 0;
                chunkEnd = n;
            }
            int start = chunkPos;
            int end = chunkEnd;
            int i = start;
            while (i < end && chunk[i] != '\n') {
                i++;
            }
            append(start, i - start);
            if (i < end) {
                chunkPos = i + 1;
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return true;
            }
            chunkPos = end;
        }
    }

    private void append(int from, int n) throws ProtocolException {
        if (n == 0) {
            return;
        }
        if (length + n > maxLineLength) {
            throw new ProtocolException("the server sent a line longer than " + maxLineLength + " bytes");
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineLength, Math.max(line.length * 2, length + n)));
        }
        System.arraycopy(chunk, from, line, length, n);
        length += n;
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** The server broke the protocol; the connection cannot go on. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }

        ProtocolException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
