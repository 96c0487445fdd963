package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Lines on the wire: pipelining, the length limit, UTF-8, CRLF, blank lines and the error limit. */
class FramingTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof String s ? s.getBytes(UTF_8) : (byte[]) part);
        }
        return out.toByteArray();
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderExactlyOnceEach() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add(switch (i % 3) {
                case 0 -> "PING";
                case 1 -> "TIME";
                default -> "CHAT c2 msg-" + i;
            });
        }

        c.get(0).sendAll(lines);

        for (int i = 0; i < 1000; i++) {
            Json reply = c.get(0).take();
            int n = i;
            switch (i % 3) {
                case 0 -> assertEquals("pong", reply.type(), () -> "reply " + n + ": " + reply);
                case 1 -> assertEquals("time", reply.type(), () -> "reply " + n + ": " + reply);
                default -> {
                    assertEquals("ok", reply.type(), () -> "reply " + n + ": " + reply);
                    assertEquals("c2", reply.str("to"));
                }
            }
        }
        c.get(0).assertNothingPending();
        for (int i = 2; i < 1000; i += 3) {
            assertEquals("msg-" + i, c.get(1).takeType("message").str("message"));
        }
        c.get(1).assertNothingPending();
    }

    @Test
    void anOverlongLineIsDiscardedAndTheConnectionGoesOn() {
        server.start(b -> b.maxLineLength(64));
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("SAY " + "x".repeat(100));

        c.get(0).take().assertError(null, "line-too-long");
        c.get(0).send("PING");
        c.get(0).takeType("pong");
        c.get(1).assertNothingPending();
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        server.start(b -> b.maxLineLength(64));
        RawClient client = server.join();

        client.send("SAY " + "x".repeat(60)); // 64 bytes
        assertEquals("SAY", client.takeType("ok").str("command"));
        client.send("SAY " + "x".repeat(61)); // 65 bytes
        client.take().assertError(null, "line-too-long");
        client.send("SAY " + "é".repeat(30)); // 64 bytes
        assertEquals("SAY", client.takeType("ok").str("command"));
        client.send("SAY " + "é".repeat(31)); // 35 characters, 66 bytes
        client.take().assertError(null, "line-too-long");
    }

    @Test
    void aHugeLineAmongOthersGetsOneErrorInItsPlace() {
        server.start(b -> b.maxLineLength(64));
        RawClient client = server.join();

        client.sendBytes(bytes("PING\nSAY ", "y".repeat(2_000_000), "\nTIME\n"));

        client.takeType("pong");
        client.take().assertError(null, "line-too-long");
        client.takeType("time");
        client.assertNothingPending();
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("a lead byte without its continuation", new byte[] {(byte) 0xC3, 0x28}),
                Arguments.of("a byte never used in UTF-8", new byte[] {(byte) 0xFF}),
                Arguments.of("an encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arguments.of("an overlong slash", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                Arguments.of("an overlong three-byte form", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}),
                Arguments.of("a truncated sequence", new byte[] {(byte) 0xE2, (byte) 0x82}),
                Arguments.of("a code point above U+10FFFF",
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                Arguments.of("a lone continuation byte", new byte[] {(byte) 0x80}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void aLineThatIsNotUtf8IsBadEncodingAndTheConnectionGoesOn(String why, byte[] bad) {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).sendBytes(bytes("SAY x", bad, "y\n"));

        c.get(0).take().assertError(null, "bad-encoding");
        c.get(0).send("SAY still here");
        assertEquals(1, c.get(0).takeType("ok").num("recipients"));
        assertEquals("still here", c.get(1).takeType("message").str("message"),
                () -> "only the good line is delivered after " + HexFormat.of().formatHex(bad));
    }

    @Test
    void crlfIsAcceptedAndTheCarriageReturnIsNotPartOfTheLine() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).sendRaw("PING\r\nNAME Bob\r\nCHAT c2 hi there\r\n");

        c.get(0).takeType("pong");
        assertEquals("Bob", c.get(0).takeType("ok").str("name"));
        c.get(0).takeType("ok");
        assertEquals("Bob", c.get(1).takeType("rename").obj("client").str("name"));
        assertEquals("hi there", c.get(1).takeType("message").str("message"));
    }

    @Test
    void blankLinesGetNoReply() {
        server.start();
        RawClient client = server.join();

        client.sendRaw("\n   \n\r\n  \r\n");

        client.assertNothingPending();
    }

    @Test
    void tooManyErrorsInARowSayByeAndClose() {
        server.start(b -> b.maxConsecutiveErrors(3));
        List<RawClient> c = server.joinAll(2);
        RawClient clumsy = c.get(1);

        clumsy.sendRaw("FOO\nBAR\nPING\n");
        clumsy.take().assertError("FOO", "unknown-command");
        clumsy.take().assertError("BAR", "unknown-command");
        clumsy.takeType("pong"); // a success resets the count

        clumsy.sendBytes(bytes("NOPE\nSAY ", new byte[] {(byte) 0xFF}, "\nZAP\nPING\n"));
        clumsy.take().assertError("NOPE", "unknown-command");
        clumsy.take().assertError(null, "bad-encoding");
        clumsy.take().assertError("ZAP", "unknown-command");
        assertEquals("too-many-errors", clumsy.takeType("bye").str("reason"));
        clumsy.awaitClosed();

        Json leave = c.get(0).takeType("leave");
        assertEquals("c2", leave.obj("client").str("id"));
        assertEquals("too-many-errors", leave.str("reason"));
    }

    @Test
    void failingCommandsEndTheStreakInsteadOfAddingToIt() {
        server.start(b -> b.maxConsecutiveErrors(3));
        RawClient client = server.join();

        // Ten CHATs to a client that is not there: a well-formed command failing on its merits.
        client.sendAll(java.util.Collections.nCopies(10, "CHAT c99 are you there?"));
        for (int i = 0; i < 10; i++) {
            client.take().assertError("CHAT", "no-such-client");
        }
        // Two bad lines, a failing command, two more bad lines: never three non-commands in a row.
        client.sendAll(java.util.List.of("FOO", "BAR", "NAME c7", "BAZ", "QUX", "PING"));
        client.take().assertError("FOO", "unknown-command");
        client.take().assertError("BAR", "unknown-command");
        client.take().assertError("NAME", "bad-name");
        client.take().assertError("BAZ", "unknown-command");
        client.take().assertError("QUX", "unknown-command");
        client.takeType("pong");
        client.assertNothingPending();
    }

    @Test
    void theDefaultErrorLimitIsTwenty() {
        server.start();
        RawClient client = server.join();

        client.sendAll(java.util.Collections.nCopies(25, "OOPS"));

        for (int i = 0; i < 20; i++) {
            client.take().assertError("OOPS", "unknown-command");
        }
        assertEquals("too-many-errors", client.takeType("bye").str("reason"));
        client.awaitClosed();
    }

    @Test
    void anErrorLimitOfZeroNeverDisconnects() {
        server.start(b -> b.maxConsecutiveErrors(0));
        RawClient client = server.join();

        client.sendAll(java.util.Collections.nCopies(50, "OOPS"));

        for (int i = 0; i < 50; i++) {
            client.take().assertError("OOPS", "unknown-command");
        }
        client.assertNothingPending();
    }
}
