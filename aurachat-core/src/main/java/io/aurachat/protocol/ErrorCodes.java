package io.aurachat.protocol;

/**
 * The stable error codes the server sends in {@code error} replies. User commands may add codes of
 * their own (lower-case letters, digits and dashes); these are the ones AuraChat itself uses.
 */
public final class ErrorCodes {
    /** The verb is not a registered command. */
    public static final String UNKNOWN_COMMAND = "unknown-command";
    /** {@code CHAT} named an id that is not connected. */
    public static final String NO_SUCH_CLIENT = "no-such-client";
    /** The command's arguments are missing or malformed. */
    public static final String BAD_ARGUMENTS = "bad-arguments";
    /** The line was longer than the server's maximum; it was discarded. */
    public static final String LINE_TOO_LONG = "line-too-long";
    /** The line was not valid UTF-8; it was discarded. */
    public static final String BAD_ENCODING = "bad-encoding";
    /** {@code NAME} was given a name that breaks the naming rules. */
    public static final String BAD_NAME = "bad-name";
    /** {@code NAME} was given a name another connected client uses. */
    public static final String NAME_TAKEN = "name-taken";
    /**
     * The command needs a client that has joined, and this connection has not yet (it is in the pre-join
     * state, where only commands such as {@code PING}, {@code HELP}, {@code TIME} and {@code EXIT} run). A
     * server that joins every connection at once, the default, never sends it.
     */
    public static final String NOT_JOINED = "not-joined";
    /** {@code HISTORY} named an id that is not a message of that target's history (never sent, or expired). */
    public static final String NO_SUCH_MESSAGE = "no-such-message";
    /** The command named a room that does not exist ({@code MEMBERS}, {@code HISTORY}). */
    public static final String NO_SUCH_ROOM = "no-such-room";
    /** A room name breaks the rule: 1 to 32 letters, digits, {@code -}, {@code _} and {@code .}. */
    public static final String BAD_ROOM_NAME = "bad-room-name";
    /** {@code POST}, {@code PART} or {@code HISTORY} named a room the client is not in. */
    public static final String NOT_IN_ROOM = "not-in-room";
    /** {@code JOIN} would put the client in more than 32 rooms, or give the server more than 1,000. */
    public static final String TOO_MANY_ROOMS = "too-many-rooms";
    /** The history store cannot answer now (it failed, or this server keeps no history); chat goes on. */
    public static final String HISTORY_UNAVAILABLE = "history-unavailable";
    /**
     * {@code RESUME} named a session the server does not hold: never given, already resumed, or its resume window
     * passed. The connection goes on as the new client its {@code welcome} announced; what the old one missed is lost.
     */
    public static final String NO_SUCH_SESSION = "no-such-session";
    /**
     * {@code RESUME} on a connection that has already acted as a client of its own (named itself, joined a room,
     * sent a message, or resumed): a resume must come first.
     */
    public static final String RESUME_REFUSED = "resume-refused";
    /** {@code SESSION} or {@code RESUME} on a server whose resume window is zero. */
    public static final String RESUME_DISABLED = "resume-disabled";
    /** {@code REGISTER}, {@code LOGIN} or {@code PASSWORD} on a server without accounts (docs/accounts.md). */
    public static final String ACCOUNTS_DISABLED = "accounts-disabled";
    /**
     * {@code REGISTER} or {@code LOGIN} over a connection that is not encrypted ({@code "secure":false}), on a server
     * whose owner does not allow password logins over plain connections (the default).
     */
    public static final String INSECURE_CONNECTION = "insecure-connection";
    /** {@code LOGIN} or {@code PASSWORD}: no such account, or the wrong password (the same reply for both). */
    public static final String BAD_CREDENTIALS = "bad-credentials";
    /**
     * The name belongs to an account: {@code REGISTER} of a registered name, or {@code NAME} to a registered name by
     * a client not logged into that account.
     */
    public static final String NAME_REGISTERED = "name-registered";
    /** {@code REGISTER} or {@code PASSWORD} with a password that breaks the rules (8 to 1024 characters, ...). */
    public static final String WEAK_PASSWORD = "weak-password";
    /**
     * Too many {@code LOGIN}, {@code REGISTER} or {@code PASSWORD} attempts from this address or for this account in
     * the last minute; the error's {@code retryAfterSeconds} says when to try again. The connection goes on.
     */
    public static final String TOO_MANY_ATTEMPTS = "too-many-attempts";
    /** {@code LOGIN} or {@code REGISTER} on a connection that is logged in already. */
    public static final String ALREADY_LOGGED_IN = "already-logged-in";
    /**
     * The command needs a logged-in client: before login on a server that requires accounts (every command but
     * {@code PING}, {@code HELP}, {@code TIME}, {@code EXIT}, {@code REGISTER} and {@code LOGIN}), or {@code PASSWORD}
     * and {@code HISTORY @} by an anonymous client.
     */
    public static final String LOGIN_REQUIRED = "login-required";
    /** Too many passwords are being checked at once; try again in a moment. */
    public static final String SERVER_BUSY = "server-busy";
    /** The account store failed or is full; chat goes on. */
    public static final String ACCOUNTS_UNAVAILABLE = "accounts-unavailable";
    /** A command handler failed unexpectedly; the server logged the cause. */
    public static final String INTERNAL_ERROR = "internal-error";

    private ErrorCodes() {}

    /** Whether {@code code} has the form of an error code: {@code [a-z][a-z0-9-]*}, at most 64 chars. */
    public static boolean isValid(String code) {
        int n = code.length();
        if (n == 0 || n > 64 || code.charAt(0) < 'a' || code.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = code.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
