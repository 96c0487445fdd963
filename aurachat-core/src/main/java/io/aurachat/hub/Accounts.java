package io.aurachat.hub;

import io.aurachat.accounts.Account;
import io.aurachat.accounts.AccountAdmin;
import io.aurachat.accounts.AccountStore;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.command.CommandException;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The hub's accounts: registering, logging in, changing passwords, the devices logged into each account, the attempt
 * limits and the bound on hashing (docs/accounts.md). Everything here that touches the store or the hasher blocks, so
 * it runs on command threads (the commands that call it are never run on an I/O thread) or on the owner's thread.
 */
final class Accounts {
    /** The shortest and longest password, in code points. */
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    /** How long a login waits for a turn to hash before it is answered {@code server-busy}. */
    static final Duration HASH_WAIT = Duration.ofSeconds(10);

    /**
     * Who holds a display name in the hub's name map when an account does: every device logged into the account
     * shares it. (An anonymous client holds its name with its {@link io.aurachat.protocol.ClientId}.)
     */
    record Owner(String account) {}

    private final Hub hub;
    final Hub.AccountSettings settings;
    private final AttemptLimiter byAddress;
    private final AttemptLimiter byAccount;
    private final Semaphore hashing;
    private final AtomicInteger wanting = new AtomicInteger();
    /** A hash of no one's password, checked when a login names no account: the reply takes as long as a wrong one. */
    private volatile String dummyHash;
    /** The clients logged into each account, by key: its devices. */
    private final ConcurrentHashMap<String, Set<Client>> devices = new ConcurrentHashMap<>();
    private final FailureReport storeFailures = new FailureReport("the account store failed");

    Accounts(Hub hub, Hub.AccountSettings settings) {
        this.hub = hub;
        this.settings = settings;
        this.byAddress = new AttemptLimiter(settings.perAddress(), AttemptLimiter.DEFAULT_MAX_KEYS, hub.clock());
        this.byAccount = new AttemptLimiter(settings.perAccount(), AttemptLimiter.DEFAULT_MAX_KEYS, hub.clock());
        this.hashing = new Semaphore(settings.maxConcurrentHashes());
    }

    boolean enabled() {
        return settings.mode() != AccountsMode.OFF;
    }

    boolean required() {
        return settings.mode() == AccountsMode.REQUIRED;
    }

    /** How many keys the two attempt limiters track: bounded. */
    int trackedAttemptKeys() {
        return byAddress.size() + byAccount.size();
    }

    // ---------------------------------------------------------------- the commands

    ClientInfo register(Client client, String name, String password) throws CommandException {
        requireEnabled();
        requireAnonymous(client);
        requireSecure(client);
        String problem = hub.nameProblem(name);
        if (problem == null && name.codePoints().anyMatch(Character::isWhitespace)) {
            problem = "an account's name has no spaces";
        }
        if (problem != null) {
            throw new CommandException(ErrorCodes.BAD_NAME, problem);
        }
        String key = hub.nameKey(name);
        char[] pw = password.toCharArray();
        try {
            checkPassword(pw, name);
            limit(byAddress, client.peer.address(), client, key, "from this address");
            Owner owner = new Owner(key);
            io.aurachat.protocol.ClientId self = client.id;
            Object holder = hub.names.putIfAbsent(key, owner);
            boolean hadIt = false;
            if (holder instanceof Owner) {
                throw registered(name);
            } else if (holder != null) {
                if (!holder.equals(self) || !hub.names.replace(key, self, owner)) {
                    throw new CommandException(ErrorCodes.NAME_TAKEN, "the name '" + name + "' is in use");
                }
                hadIt = true; // its own anonymous name: it registers what it has
            }
            boolean done = false;
            try {
                if (store(() -> settings.store().find(key)).isPresent()) {
                    throw registered(name);
                }
                String hash = hashed(() -> settings.hasher().hash(pw));
                Account account = new Account(name, key, hash, hub.clock().instant().truncatedTo(
                        java.time.temporal.ChronoUnit.MILLIS));
                if (!store(() -> settings.store().createIfAbsent(account))) {
                    throw registered(name);
                }
                if (hub.log().wants(LogEvent.AccountRegistered.class)) {
                    hub.log().emit(new LogEvent.AccountRegistered(hub.clock().instant(),
                            client.info().withAccount(key, name)));
                }
                ClientInfo after = loginAs(client, account, true);
                done = true;
                return after;
            } finally {
                if (!done && !devices.containsKey(key)) {
                    if (hadIt) {
                        hub.names.replace(key, owner, self);
                    } else {
                        hub.names.remove(key, owner);
                    }
                }
            }
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    ClientInfo login(Client client, String name, String password) throws CommandException {
        requireEnabled();
        requireAnonymous(client);
        requireSecure(client);
        String key = hub.nameKey(name);
        char[] pw = password.toCharArray();
        try {
            limit(byAddress, client.peer.address(), client, key, "from this address");
            try {
                limit(byAccount, key, client, key, "for this account");
            } catch (CommandException e) {
                // No password was tried: the address keeps its attempt (one NAT address for many people, one of
                // whom keeps trying an account under attack from elsewhere, would otherwise lose its own budget).
                byAddress.giveBack(client.peer.address());
                throw e;
            }
            Optional<Account> found = store(() -> settings.store().find(key));
            String hash = found.map(Account::passwordHash).orElseGet(this::dummyHash);
            boolean matches = hashed(() -> settings.hasher().verify(pw, hash)) && found.isPresent();
            if (!matches) {
                failed(client, key, ErrorCodes.BAD_CREDENTIALS);
                throw badCredentials();
            }
            Account account = found.get();
            if (settings.hasher().needsRehash(account.passwordHash())) {
                String fresh = hashed(() -> settings.hasher().hash(pw));
                store(() -> settings.store().updateHash(key, fresh));
            }
            return loginAs(client, account, false);
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    void changePassword(Client client, String oldPassword, String newPassword) throws CommandException {
        requireEnabled();
        String key = client.info().account();
        if (key == null) {
            throw new CommandException(ErrorCodes.LOGIN_REQUIRED, "PASSWORD needs a client logged into an account");
        }
        char[] old = oldPassword.toCharArray();
        char[] fresh = newPassword.toCharArray();
        try {
            limit(byAccount, key, client, key, "for this account");
            Account account = store(() -> settings.store().find(key)).orElseThrow(this::badCredentials);
            if (!hashed(() -> settings.hasher().verify(old, account.passwordHash()))) {
                failed(client, key, ErrorCodes.BAD_CREDENTIALS);
                throw badCredentials();
            }
            checkPassword(fresh, account.name());
            String hash = hashed(() -> settings.hasher().hash(fresh));
            if (!store(() -> settings.store().updateHash(key, hash))) {
                throw badCredentials(); // removed meanwhile
            }
            if (hub.log().wants(LogEvent.PasswordChanged.class)) {
                hub.log().emit(new LogEvent.PasswordChanged(hub.clock().instant(), key, client.info()));
            }
        } finally {
            Arrays.fill(old, '\0');
            Arrays.fill(fresh, '\0');
        }
    }

    /**
     * Logs {@code client} into {@code account}: it becomes one of the account's devices and takes its name; on a
     * server that requires accounts, it joins.
     */
    private ClientInfo loginAs(Client client, Account account, boolean registered) throws CommandException {
        String key = account.key();
        Owner owner = new Owner(key);
        boolean[] taken = new boolean[1];
        devices.compute(key, (k, set) -> {
            // Under the account's entry, so that the last device's leaving cannot free the name in between.
            for (int spins = 0; ; spins++) {
                Object holder = hub.names.putIfAbsent(key, owner);
                if (holder == null || holder.equals(owner) || holder.equals(client.id)
                        && hub.names.replace(key, client.id, owner)) {
                    break;
                }
                if (spins > 10_000) { // an anonymous NAME checks the store with the name held: a moment at most
                    taken[0] = true;
                    return set;
                }
                Thread.onSpinWait();
            }
            Set<Client> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(client);
            return s;
        });
        if (taken[0]) {
            throw new CommandException(ErrorCodes.NAME_TAKEN, "the name '" + account.name() + "' is in use for now");
        }
        client.loggedInAfterId = hub.messageMark(); // a device from here on: see Client.loggedInAfterId
        ClientInfo before = client.info();
        ClientInfo after = before.withAccount(key, account.name());
        client.info(after);
        client.forgetReplyMemo();
        String oldKey = hub.nameKey(before.name());
        if (!oldKey.equals(key)) {
            hub.names.remove(oldKey, client.id);
        }
        if (!client.isOpen() || (!registered && store(() -> settings.store().find(key)).isEmpty())) {
            removeDevice(client, after); // it left, or the owner removed the account, while it logged in
            if (client.isOpen()) {
                client.info(before);
                throw badCredentials();
            }
            return after;
        }
        if (hub.log().wants(LogEvent.LoggedIn.class)) {
            hub.log().emit(new LogEvent.LoggedIn(hub.clock().instant(), after));
        }
        if (client.isJoined()) {
            hub.renamed(client, after, before.name());
        } else if (required()) {
            hub.join(client);
        }
        return after;
    }

    /** A device of an account is gone: the last one out frees the account's name. */
    void removeDevice(Client client, ClientInfo info) {
        String key = info.account();
        if (key == null) {
            return;
        }
        devices.computeIfPresent(key, (k, set) -> {
            set.remove(client);
            if (set.isEmpty()) {
                hub.names.remove(key, new Owner(key));
                return null;
            }
            return set;
        });
    }

    /** A resume moved an account's session from {@code old} to {@code now}. */
    void replaceDevice(Client old, Client now, String key) {
        if (key != null) {
            devices.computeIfPresent(key, (k, set) -> {
                set.remove(old);
                set.add(now);
                return set;
            });
        }
    }

    /** The devices logged into {@code key}, or an empty set. */
    Set<Client> devices(String key) {
        Set<Client> set = devices.get(key);
        return set == null ? Set.of() : set;
    }

    /**
     * Whether an anonymous client may take the name with this key: not if an account has it. Called with the name held
     * in the name map, so that a registration of it meanwhile sees it taken.
     */
    boolean isRegistered(String key) throws CommandException {
        return store(() -> settings.store().find(key)).isPresent();
    }

    // ---------------------------------------------------------------- the owner's

    final AccountAdmin admin = new AccountAdmin() {
        @Override
        public List<Account> list() {
            return settings.store().list();
        }

        @Override
        public Optional<Account> find(String name) {
            return settings.store().find(hub.nameKey(name));
        }

        @Override
        public boolean remove(String name) {
            String key = hub.nameKey(name);
            if (!settings.store().delete(key)) {
                return false;
            }
            Set<Client> gone = devices.remove(key);
            hub.names.remove(key, new Owner(key));
            int n = 0;
            byte[] bye = Wire.bye(LeaveReason.ACCOUNT_REMOVED);
            if (gone != null) {
                for (Client c : gone) {
                    c.close(LeaveReason.ACCOUNT_REMOVED, bye);
                    n++;
                }
            }
            n += hub.endSessionsOf(key, LeaveReason.ACCOUNT_REMOVED);
            // Last, once its devices are closed: its private messages go, and a new account of that name starts empty.
            hub.forgetPrivateHistory(key);
            if (hub.log().wants(LogEvent.AccountRemoved.class)) {
                hub.log().emit(new LogEvent.AccountRemoved(hub.clock().instant(), key, n));
            }
            return true;
        }

        @Override
        public boolean setPassword(String name, char[] password) {
            String key = hub.nameKey(name);
            Optional<Account> account = settings.store().find(key);
            if (account.isEmpty()) {
                return false;
            }
            String problem = passwordProblem(password, account.get().name());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            String hash = settings.hasher().hash(password);
            boolean done = settings.store().updateHash(key, hash);
            if (done && hub.log().wants(LogEvent.PasswordChanged.class)) {
                hub.log().emit(new LogEvent.PasswordChanged(hub.clock().instant(), key, null));
            }
            return done;
        }

        @Override
        public String toString() {
            return "the accounts of " + hub;
        }
    };

    // ---------------------------------------------------------------- rules and bounds

    private void requireEnabled() throws CommandException {
        if (!enabled()) {
            throw new CommandException(ErrorCodes.ACCOUNTS_DISABLED, "this server has no accounts");
        }
    }

    private static void requireAnonymous(Client client) throws CommandException {
        if (client.info().account() != null) {
            throw new CommandException(ErrorCodes.ALREADY_LOGGED_IN,
                    "this connection is logged into " + client.info().name() + " already"); // the name as registered
        }
    }

    private void requireSecure(Client client) throws CommandException {
        if (!client.peer.secure() && !settings.allowPlainLogin()) {
            throw new CommandException(ErrorCodes.INSECURE_CONNECTION,
                    "this connection is not encrypted, and this server takes no passwords over such connections: "
                            + "connect with TLS");
        }
    }

    /** Why a password is refused for an account named {@code name}, or {@code null}. */
    static String passwordProblem(char[] password, String name) {
        int length = Character.codePointCount(password, 0, password.length);
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            return "a password is " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters long";
        }
        for (int i = 0; i < password.length; ) {
            int cp = Character.codePointAt(password, i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT) {
                return "a password has no spaces, control or invisible characters";
            }
            i += Character.charCount(cp);
        }
        if (new String(password).equalsIgnoreCase(name)) {
            return "a password is not the account's name";
        }
        return null;
    }

    private static void checkPassword(char[] password, String name) throws CommandException {
        String problem = passwordProblem(password, name);
        if (problem != null) {
            throw new CommandException(ErrorCodes.WEAK_PASSWORD, problem);
        }
    }

    private void limit(AttemptLimiter limiter, String key, Client client, String account, String what)
            throws CommandException {
        long retry = limiter.tryTake(key);
        if (retry > 0) {
            failed(client, account, ErrorCodes.TOO_MANY_ATTEMPTS);
            throw new CommandException(ErrorCodes.TOO_MANY_ATTEMPTS, "too many login attempts " + what
                    + "; try again in " + retry + " s", Map.of(Fields.RETRY_AFTER_SECONDS, retry));
        }
    }

    private void failed(Client client, String account, String reason) {
        if (hub.log().wants(LogEvent.LoginFailed.class)) {
            hub.log().emit(new LogEvent.LoginFailed(hub.clock().instant(), client.info(), account, reason));
        }
    }

    private CommandException badCredentials() {
        return new CommandException(ErrorCodes.BAD_CREDENTIALS, "no account with that name and password");
    }

    private static CommandException registered(String name) {
        return new CommandException(ErrorCodes.NAME_REGISTERED, "the name '" + name + "' belongs to an account");
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            char[] nobody = "no-one's password, never a match".toCharArray();
            h = settings.hasher().hash(nobody);
            dummyHash = h;
        }
        return h;
    }

    /** Runs {@code work} (hashing) when one of the {@code maxConcurrentHashes} turns is free. */
    private <T> T hashed(Supplier<T> work) throws CommandException {
        if (wanting.incrementAndGet() > settings.maxConcurrentHashes() + settings.maxQueuedHashes()) {
            wanting.decrementAndGet();
            throw busy();
        }
        try {
            if (!hashing.tryAcquire(HASH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
            try {
                return work.get();
            } finally {
                hashing.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        } finally {
            wanting.decrementAndGet();
        }
    }

    private static CommandException busy() {
        return new CommandException(ErrorCodes.SERVER_BUSY, "too many passwords are being checked; try again soon");
    }

    /** Calls the store: a failure is {@code accounts-unavailable}, reported at most once a minute. */
    private <T> T store(Supplier<T> call) throws CommandException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            storeFailures.report(e);
            throw new CommandException(ErrorCodes.ACCOUNTS_UNAVAILABLE, "the accounts are unavailable; chat goes on");
        }
    }

    /** The devices of every account, for tests and counts. */
    List<Client> allDevices() {
        List<Client> all = new ArrayList<>();
        devices.values().forEach(all::addAll);
        return all;
    }
}
