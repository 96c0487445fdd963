package io.aurachat.accounts;

/** An {@link AccountStore} could not do what it was asked: it is full, or its storage failed. */
public class AccountStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message for people. */
    public AccountStoreException(String message) {
        super(message);
    }

    /** With a message and the failure behind it. */
    public AccountStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
