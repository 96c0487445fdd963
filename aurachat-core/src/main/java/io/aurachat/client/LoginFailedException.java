package io.aurachat.client;

import io.aurachat.protocol.ErrorCodes;
import java.time.Duration;
import java.util.Set;

/**
 * A {@link ChatClient} could not log into its account: the server refused the {@code LOGIN} or {@code REGISTER}
 * ({@link #code()} is the server's code: {@code bad-credentials}, {@code insecure-connection}, {@code weak-password},
 * {@code name-registered}, {@code name-taken}, {@code too-many-attempts}, ...), or the client did not send it
 * because it could not succeed: {@code login-required} when the server requires an account and none is configured,
 * {@code accounts-disabled} when a login is configured for a server without accounts, {@code insecure-connection}
 * when the server's {@code hello} says it takes no password over this connection (the password is then never sent).
 *
 * <p>{@link ChatClient#connect} throws it with nothing left open. On a reconnect it ends the client with
 * {@link CloseReason#LOGIN_FAILED} as the cause of {@link ChatListener#onClosed}, unless it {@linkplain #isTransient()
 * is transient}.
 */
public final class LoginFailedException extends ChatErrorException {

    private static final long serialVersionUID = 1L;

    /** Codes after which the same login may succeed later. */
    private static final Set<String> TRANSIENT = Set.of(ErrorCodes.TOO_MANY_ATTEMPTS, ErrorCodes.SERVER_BUSY,
            ErrorCodes.ACCOUNTS_UNAVAILABLE);

    LoginFailedException(String code, String command, String message, Duration retryAfter) {
        super(code, command, message, retryAfter);
    }

    /** The login refusal that {@code error} (an error reply to {@code LOGIN} or {@code REGISTER}) stands for. */
    static LoginFailedException of(ChatErrorException error) {
        if (error instanceof LoginFailedException e) {
            return e;
        }
        LoginFailedException e = new LoginFailedException(error.code(), error.command().orElse(null),
                error.serverMessage(), error.retryAfter().orElse(null));
        e.setStackTrace(error.getStackTrace());
        return e;
    }

    /**
     * Whether the same login may succeed if tried again later: {@code too-many-attempts} (after
     * {@link #retryAfter()}), {@code server-busy} and {@code accounts-unavailable}. A reconnecting client tries again
     * after these; after any other code it gives up.
     */
    public boolean isTransient() {
        return TRANSIENT.contains(code());
    }
}
