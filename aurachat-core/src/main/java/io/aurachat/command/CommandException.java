package io.aurachat.command;

import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a {@link CommandHandler} to answer with an {@code error} reply carrying a stable code,
 * such as {@link ErrorCodes#BAD_ARGUMENTS}. Cheap to throw: it records no stack trace.
 */
public class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient Map<String, Object> fields;

    /**
     * @param code the error code: lower-case letters, digits and dashes, starting with a letter
     * @param message a human-readable explanation, sent to the client as is
     * @throws IllegalArgumentException if the code is malformed
     */
    public CommandException(String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        if (!ErrorCodes.isValid(Objects.requireNonNull(code, "code"))) {
            throw new IllegalArgumentException("malformed error code: '" + code + "'");
        }
        this.code = code;
        this.fields = Map.of();
    }

    /**
     * An error reply with fields of its own after {@code message}, such as {@code too-many-attempts}' {@code
     * retryAfterSeconds}.
     *
     * @param fields the extra fields, in order; values as a {@link Reply} takes them; names other than {@code type},
     *     {@code command}, {@code code} and {@code message}
     * @throws IllegalArgumentException if the code is malformed, a field name is reserved or a value cannot be sent
     */
    public CommandException(String code, String message, Map<String, Object> fields) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        if (!ErrorCodes.isValid(Objects.requireNonNull(code, "code"))) {
            throw new IllegalArgumentException("malformed error code: '" + code + "'");
        }
        for (String name : fields.keySet()) {
            if (name.equals(Fields.TYPE) || name.equals(Fields.COMMAND) || name.equals(Fields.CODE)
                    || name.equals(Fields.MESSAGE)) {
                throw new IllegalArgumentException("an error's own field may not be named " + name);
            }
        }
        this.code = code;
        this.fields = Reply.ok(fields).fields();
    }

    /** The error reply's fields of its own, in order; empty for most errors. */
    public Map<String, Object> fields() {
        return fields == null ? Map.of() : fields;
    }

    /** The error code sent to the client. */
    public String code() {
        return code;
    }
}
