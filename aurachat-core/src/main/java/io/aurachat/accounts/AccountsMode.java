package io.aurachat.accounts;

/** Whether a server has accounts, and whether a connection must log in before it joins (docs/accounts.md). */
public enum AccountsMode {
    /** No accounts (the default): {@code REGISTER}, {@code LOGIN} and {@code PASSWORD} answer {@code accounts-disabled}. */
    OFF("off"),
    /**
     * Accounts for those who want one: every connection joins at once, anonymous (its name is its id), and may
     * {@code REGISTER} or {@code LOGIN} at any time; registered names are kept for their accounts.
     */
    OPTIONAL("optional"),
    /**
     * Accounts for everyone: a connection gets {@code hello} instead of {@code welcome} and joins only once it has
     * logged in ({@code LOGIN} or {@code REGISTER}), within the pre-join timeout.
     */
    REQUIRED("required");

    private final String wireName;

    AccountsMode(String wireName) {
        this.wireName = wireName;
    }

    /** As {@code hello} and {@code welcome} name it: {@code off}, {@code optional}, {@code required}. */
    public String wireName() {
        return wireName;
    }
}
