package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.internal.CommandLine;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.Json;
import io.aurachat.transport.Connection;
import io.aurachat.transport.Peer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the command path (verb and arguments split by {@link CommandLine}, looked up and run by the
 * {@link Dispatcher}, the built-in commands, the replies' encoding) through a {@link ChatHarness}'s server, without
 * sockets: two joined clients, A and B, send it arbitrary lines. Each client is a peer of this test's that keeps the
 * raw bytes the server sends, so that every line can be checked as bytes (a {@code HarnessClient} decodes them
 * leniently, and refuses a {@code \r} inside a line, which TCP lets through). See docs/fuzzing.md.
 *
 * <p>The input is text, cut into lines at {@code \n} and sent as the TCP decoder would hand them on (a {@code \r}
 * before the {@code \n} dropped; a line over the limit, or not UTF-8, reported as such). A line that starts with
 * {@code B|} is B's, any other A's. {@code $A} and {@code $B} stand for the clients' ids, {@code $ID} for the last
 * message id seen and {@code $SESSION} for the last session token, so that a seed such as {@code CHAT $B hi} or
 * {@code RESUME $SESSION $ID} works whatever the ids are; {@code !drop A} (or {@code B}) hangs that client up
 * without {@code EXIT}, and a client that the server closed is replaced by a new one.
 *
 * <p>Checked for every line: a blank one gets no reply; any other exactly one, of the type its verb answers with or
 * {@code error} (with a well-formed code); nothing escapes; every line either client gets is one well-formed UTF-8
 * JSON object (no duplicate keys, no unpaired surrogate, nothing after it) of a known type; a {@code SAY} or
 * {@code CHAT} reaches its recipient with its text exactly. After the lines, both clients still get {@code pong}
 * for {@code PING}, and once they and every session they left behind have exited, the server has no client.
 */
class CommandFuzzTest {

    private static final int MAX_LINE_LENGTH = 512;
    private static final int MAX_LINES = 64;

    /** The reply type of each built-in verb's success; every one may also answer {@code error}. */
    private static final Map<String, String> REPLY_TYPES = Map.ofEntries(Map.entry(Verbs.TIME, LineTypes.TIME),
            Map.entry(Verbs.EXIT, LineTypes.BYE), Map.entry(Verbs.CHAT, LineTypes.OK), Map.entry(Verbs.SAY, LineTypes.OK),
            Map.entry(Verbs.NAME, LineTypes.OK), Map.entry(Verbs.LIST, LineTypes.CLIENTS),
            Map.entry(Verbs.HELP, LineTypes.HELP), Map.entry(Verbs.PING, LineTypes.PONG),
            Map.entry(Verbs.HISTORY, LineTypes.HISTORY), Map.entry(Verbs.JOIN, LineTypes.OK),
            Map.entry(Verbs.PART, LineTypes.OK), Map.entry(Verbs.POST, LineTypes.OK),
            Map.entry(Verbs.ROOMS, LineTypes.ROOMS), Map.entry(Verbs.MEMBERS, LineTypes.MEMBERS),
            Map.entry(Verbs.SESSION, LineTypes.SESSION), Map.entry(Verbs.RESUME, LineTypes.RESUMED));
    /** What may come without being a reply: events, and {@code bye} when the server closes the connection. */
    private static final Set<String> EVENTS = Set.of(LineTypes.MESSAGE, LineTypes.JOIN, LineTypes.LEAVE,
            LineTypes.RENAME, LineTypes.PRESENCE_MISSED, LineTypes.BYE);

    /** One server for every input: starting one per input would cost more than the input. */
    private static ChatHarness chat;

    @BeforeAll
    static void startServer() {
        // A short history: pages stay cheap to encode and check, and ids fall out of it (no-such-message, a resume that
        // cannot recover everything) within one input.
        chat = ChatHarness.start(ServerConfig.builder().maxLineLength(MAX_LINE_LENGTH)
                .historyStore(MemoryHistoryStore.builder().maxPerTarget(64).build()).build());
    }

    @AfterAll
    static void stopServer() {
        chat.close();
    }

    // In libFuzzer's dictionary syntax: \x0A is a line feed.
    @DictionaryEntries({"\\x0A", "B|", "$A", "$B", "$ID", "$SESSION", "!drop A\\x0A", "!drop B\\x0A", " ", "\\x09", "TIME", "EXIT",
        "CHAT $B ", "CHAT $A ", "SAY ", "NAME ", "LIST", "HELP", "PING", "HISTORY * ", "HISTORY lobby ", "LATEST",
        "BEFORE $ID", "AFTER $ID", "BETWEEN $ID $ID", "JOIN lobby", "PART lobby", "POST lobby ", "ROOMS",
        "MEMBERS lobby", "SESSION", "RESUME $SESSION $ID", "RESUME $SESSION 0", "18446744073709551616"})
    @FuzzTest
    void everyLineGetsOneWellFormedReply(byte[] input) {
        Session s = new Session();
        boolean passed = false;
        try {
            int lines = 0;
            int start = 0;
            for (int i = 0; i < input.length && lines < MAX_LINES; i++) {
                if (input[i] == '\n') {
                    s.line(input, start, i);
                    start = i + 1;
                    lines++;
                }
            }
            s.stillServes();
            passed = true;
        } finally {
            s.end(passed);
        }
    }

    /** One input's two clients and what the test has seen of them. */
    private static final class Session {
        RawPeer a = RawPeer.connect();
        RawPeer b = RawPeer.connect();
        String lastId = "0";
        String lastToken = "AAAAAAAAAAAAAAAAAAAAAA";
        /** Every session token seen: at the end, each is resumed and ended, so that no session outlives the input. */
        final List<String> tokens = new ArrayList<>();

        Session() {
            a.drain().forEach(this::check);
            b.drain().forEach(this::check);
        }

        void line(byte[] input, int from, int newline) {
            boolean fromB = newline - from >= 2 && input[from] == 'B' && input[from + 1] == '|';
            int start = fromB ? from + 2 : from;
            int end = newline > start && input[newline - 1] == '\r' ? newline - 1 : newline;
            if (fromB ? b.isClosed() : a.isClosed()) {
                replace(fromB);
            }
            RawPeer me = fromB ? b : a;
            RawPeer other = fromB ? a : b;
            String text = utf8(input, start, end);
            if (text != null && text.startsWith("!drop ")) {
                drop(text.substring("!drop ".length()).trim().equals("B"));
                return;
            }
            if (end - start > MAX_LINE_LENGTH) {
                me.connection.lineTooLong();
                replyTo(me, null, ErrorCodes.LINE_TOO_LONG);
            } else if (text == null) {
                me.connection.badEncoding();
                replyTo(me, null, ErrorCodes.BAD_ENCODING);
            } else {
                String line = text.replace("$A", a.id()).replace("$B", b.id()).replace("$ID", lastId)
                        .replace("$SESSION", lastToken);
                me.connection.line(line);
                Json reply = replyTo(me, line, null);
                List<Json> others = other.drain().stream().map(this::check).toList();
                if (reply != null) {
                    checkDelivery(reply, line, me, other, others);
                }
                return;
            }
            other.drain().forEach(this::check);
        }

        /**
         * Checks what {@code me} got for one line: nothing for a blank line, else exactly one reply (among events,
         * and a {@code bye} if the line made the server close it).
         *
         * @param line the line as sent, or {@code null} if it was reported as too long or not UTF-8
         * @param code the error the report must get
         * @return the reply, or {@code null} for a blank line
         */
        Json replyTo(RawPeer me, String line, String code) {
            List<Json> got = me.drain().stream().map(this::check).toList();
            if (line != null && CommandLine.isBlank(line)) {
                assertEquals(List.of(), got, () -> "a blank line got an answer: '" + line + "'");
                return null;
            }
            List<Json> replies = got.stream().filter(j -> !EVENTS.contains(j.type()) || j.has("command")).toList();
            assertEquals(1, replies.size(), () -> "not exactly one reply to '" + line + "': " + raw(got));
            Json reply = replies.get(0);
            if (line == null) {
                reply.assertError(null, code);
                return reply;
            }
            String typed = CommandLine.parse(line).verb();
            String verb = Verbs.normalize(typed);
            String type = REPLY_TYPES.get(verb);
            if (type == null) {
                reply.assertError(reply.str("command"), ErrorCodes.UNKNOWN_COMMAND);
                // PROTOCOL.md: upper-cased in ASCII, cut to 32 characters followed by "..." when longer.
                String shown = verb.codePointCount(0, verb.length()) <= Verbs.MAX_LENGTH ? verb
                        : verb.substring(0, verb.offsetByCodePoints(0, Verbs.MAX_LENGTH)) + "...";
                assertEquals(shown, reply.str("command"), () -> "unknown verb '" + typed + "' echoed in " + reply.raw());
                return reply;
            }
            assertEquals(verb, reply.str("command"), () -> "reply to '" + line + "': " + reply.raw());
            if (reply.type().equals(LineTypes.ERROR)) {
                assertTrue(ErrorCodes.isValid(reply.str("code")), () -> "bad error code: " + reply.raw());
                assertFalse(reply.str("message").isBlank(), () -> "an error without a message: " + reply.raw());
            } else {
                assertEquals(type, reply.type(), () -> "reply to '" + line + "': " + reply.raw());
            }
            if (reply.type().equals(LineTypes.SESSION) || reply.type().equals(LineTypes.RESUMED)) {
                lastToken = reply.str("session");
                tokens.add(lastToken);
            }
            return reply;
        }

        /** A SAY or CHAT that succeeded reached its recipient, with its text as sent. */
        void checkDelivery(Json reply, String sent, RawPeer me, RawPeer other, List<Json> others) {
            if (!reply.type().equals(LineTypes.OK) || !reply.has("id") || other.isClosed()) {
                return;
            }
            String command = reply.str("command");
            String text;
            if (command.equals(Verbs.SAY)) {
                text = CommandLine.parse(sent).arguments();
            } else if (command.equals(Verbs.CHAT) && reply.str("to").equals(other.id())) {
                text = CommandLine.split(CommandLine.parse(sent).arguments(), 2).get(1);
            } else {
                return;
            }
            String id = reply.str("id");
            List<Json> delivered = others.stream()
                    .filter(j -> j.type().equals(LineTypes.MESSAGE) && j.str("id").equals(id)).toList();
            assertEquals(1, delivered.size(), () -> command + " " + id + " reached " + other.id() + " "
                    + delivered.size() + " times: " + raw(others));
            assertEquals(text, delivered.get(0).str("message"), () -> "the text of " + command + " " + id);
            assertEquals(me.id(), delivered.get(0).obj("from").str("id"), "the sender");
        }

        /** Parses one line strictly and notes the ids and tokens a later line may name. */
        Json check(byte[] bytes) {
            String text = utf8(bytes, 0, bytes.length);
            assertNotNull(text, () -> "a server line is not UTF-8: " + new String(bytes, StandardCharsets.UTF_8));
            assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1 && text.indexOf('\r') < 0,
                    () -> "a server line is not one line ended by \\n: " + text);
            Json json = Json.parse(text.substring(0, text.length() - 1));
            assertWellFormed(json.map(), json.raw());
            String type = json.type();
            assertTrue(EVENTS.contains(type) || REPLY_TYPES.containsValue(type) || type.equals(LineTypes.ERROR)
                    || type.equals(LineTypes.WELCOME), () -> "a line of an unknown type: " + json.raw());
            if ((type.equals(LineTypes.MESSAGE) || type.equals(LineTypes.OK)) && json.map().get("id") instanceof String id) {
                lastId = id;
            }
            return json;
        }

        void drop(boolean whichB) {
            RawPeer gone = whichB ? b : a;
            gone.hangUp();
            (whichB ? a : b).drain().forEach(this::check);
            replace(whichB);
        }

        void replace(boolean whichB) {
            RawPeer fresh = RawPeer.connect();
            if (whichB) {
                b = fresh;
            } else {
                a = fresh;
            }
            fresh.drain().forEach(this::check);
            (whichB ? a : b).drain().forEach(this::check);
        }

        /** Both clients answer PING with pong, and nothing else. */
        void stillServes() {
            for (RawPeer p : List.of(a, b)) {
                if (p.isClosed()) {
                    continue;
                }
                p.connection.line("PING");
                List<Json> got = p.drain().stream().map(this::check).toList();
                assertEquals(1, got.size(), () -> "PING got " + raw(got));
                assertEquals(LineTypes.PONG, got.get(0).type(), () -> "PING got " + raw(got));
            }
        }

        /**
         * Exits both clients and every session this input made, so that the next input finds the server empty; after
         * an input that passed, checks that it is. After one that failed, only cleans up, so as not to hide why.
         */
        void end(boolean check) {
            try {
                a.exit();
                b.exit();
                for (String token : tokens.reversed()) {
                    RawPeer p = RawPeer.connect();
                    p.connection.line("RESUME " + token + " 0");
                    p.exit();
                }
                if (check) {
                    assertEquals(List.of(), chat.clients(), "clients left after every one exited");
                }
            } catch (RuntimeException | AssertionError e) {
                if (check) {
                    throw e;
                }
            }
        }
    }

    private static String raw(List<Json> lines) {
        return lines.stream().map(Json::raw).toList().toString();
    }

    /** Every string in a parsed line, keys too, is whole UTF-16: JSON can escape half a character, UTF-8 cannot. */
    private static void assertWellFormed(Object value, String line) {
        switch (value) {
            case String s -> assertTrue(isWellFormed(s), () -> "a string with an unpaired surrogate in " + line);
            case Map<?, ?> m -> m.forEach((k, v) -> {
                assertWellFormed(k, line);
                assertWellFormed(v, line);
            });
            case List<?> l -> l.forEach(v -> assertWellFormed(v, line));
            case null, default -> { }
        }
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code a[from, to)} decoded as strict UTF-8, or {@code null} if it is not UTF-8. */
    private static String utf8(byte[] a, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(a, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A client of the harness's server that keeps every line it is sent as the bytes it was sent. */
    private static final class RawPeer implements Peer {
        final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();
        volatile Connection connection;
        volatile LeaveReason closed;
        static RawPeer connect() {
            RawPeer peer = new RawPeer();
            Connection c = chat.server().attach(peer).orElseThrow(() -> new AssertionError("the server refused a client"));
            peer.connection = c;
            assertTrue(c.join(), "a new client joins");
            return peer;
        }

        String id() {
            return connection.id().value();
        }

        boolean isClosed() {
            return closed != null;
        }

        List<byte[]> drain() {
            List<byte[]> lines = new ArrayList<>();
            byte[] line;
            while ((line = received.poll()) != null) {
                lines.add(line);
            }
            return lines;
        }

        /** Closes its side without EXIT, as a broken connection. */
        void hangUp() {
            close(LeaveReason.DISCONNECTED, null);
        }

        /** EXIT if it is still open (which ends its session at once), then forgets what it got. */
        void exit() {
            if (!isClosed()) {
                connection.line(Verbs.EXIT);
            }
            if (!isClosed()) {
                fail(id() + " is still open after EXIT");
            }
            drain();
        }

        @Override
        public String address() {
            return "192.0.2.7";
        }

        @Override
        public boolean send(byte[] line) {
            if (closed != null) {
                return false;
            }
            received.add(line);
            return true;
        }

        @Override
        public void close(LeaveReason reason, byte[] lastLine) {
            if (closed != null) {
                return;
            }
            if (lastLine != null) {
                received.add(lastLine);
            }
            closed = reason;
            Connection c = connection;
            if (c != null) {
                c.closed(reason);
            }
        }
    }
}
