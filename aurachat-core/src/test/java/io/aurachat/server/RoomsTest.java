package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.MessageIds;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rooms as a client sees them: JOIN, PART, POST, ROOMS, MEMBERS, their notices, limits and history. */
class RoomsTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void membersGetARoomsMessagesAndOthersDoNot() {
        server.start();
        List<RawClient> c = server.joinAll(3);
        c.get(0).send("JOIN lobby");
        Json joined = c.get(0).takeType("ok");
        assertEquals("lobby", joined.str("room"));
        assertEquals(1, joined.num("members"));
        c.get(1).send("join LOBBY");
        assertEquals("lobby", c.get(1).takeType("ok").str("room")); // one room, named as first made
        Json notice = c.get(0).takeType("join");
        assertEquals("lobby", notice.str("room"));
        assertEquals("c2", notice.obj("client").str("id"));

        c.get(0).send("POST Lobby hello room");
        Json ok = c.get(0).takeType("ok");
        Json got = c.get(1).takeType("message");

        assertEquals(1, ok.num("recipients"));
        assertEquals(ok.str("id"), got.str("id"));
        assertEquals("lobby", got.str("room"));
        assertFalse(got.has("to"));
        assertEquals("hello room", got.str("message"));
        assertEquals(MessageIds.time(MessageIds.parse(got.str("id"))), got.str("time"));
        c.get(0).assertNothingPending();
        c.get(2).sync(); // the outsider got nothing but its sync's answer
        c.get(2).assertNothingPending();
    }

    @Test
    void partAndDisconnectTellTheMembersAndTheLastOneOutDeletesTheRoom() {
        server.start();
        List<RawClient> c = server.joinAll(3);
        for (RawClient r : c) {
            r.send("JOIN dev");
            r.takeType("ok");
        }
        c.get(0).takeType("join");
        c.get(0).takeType("join");
        c.get(1).takeType("join");

        c.get(2).send("PART dev");
        assertEquals("dev", c.get(2).takeType("ok").str("room"));
        Json left = c.get(0).takeType("leave");
        assertEquals("dev", left.str("room"));
        assertEquals("part", left.str("reason"));
        assertEquals("dev", c.get(1).takeType("leave").str("room"));

        c.get(1).close();
        // c1 hears the room's leave and the server's leave, in either order
        List<Json> two = List.of(c.get(0).take(), c.get(0).take());
        assertTrue(two.stream().anyMatch(j -> "dev".equals(j.get("room")) && "disconnected".equals(j.str("reason"))),
                two.toString());
        c.get(0).send("PART dev");
        c.get(0).takeType("ok");
        c.get(0).send("ROOMS");
        assertEquals(List.of(), c.get(0).takeType("rooms").list("rooms"));
        c.get(0).send("MEMBERS dev");
        assertEquals("no-such-room", c.get(0).takeType("error").str("code"));
    }

    @Test
    void roomsAndMembersListWhatThereIs() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(0).send("JOIN beta");
        c.get(0).takeType("ok");
        c.get(0).send("JOIN alpha");
        c.get(0).takeType("ok");
        c.get(1).send("JOIN alpha");
        c.get(1).takeType("ok");

        c.get(1).send("ROOMS");
        List<Json> rooms = c.get(1).takeType("rooms").objs("rooms");
        c.get(1).send("MEMBERS Alpha");
        Json members = c.get(1).takeType("members");

        assertEquals(List.of(Map.of("name", "alpha", "members", 2L), Map.of("name", "beta", "members", 1L)),
                rooms.stream().map(Json::map).toList());
        assertEquals(List.of("c1", "c2"), members.objs("members").stream().map(m -> m.str("id")).toList());
    }

    @Test
    void everyMistakeGetsItsCode() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(1).send("JOIN other");
        c.get(1).takeType("ok");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("JOIN", "bad-arguments");
        expected.put("JOIN two words", "bad-arguments");
        expected.put("JOIN bad/name", "bad-room-name");
        expected.put("JOIN " + "x".repeat(33), "bad-room-name");
        expected.put("JOIN *", "bad-room-name");
        expected.put("POST other", "bad-arguments");
        expected.put("POST other hi", "not-in-room");
        expected.put("POST nowhere hi", "not-in-room");
        expected.put("PART other", "not-in-room");
        expected.put("MEMBERS nowhere", "no-such-room");
        expected.put("HISTORY other LATEST", "not-in-room");
        expected.put("HISTORY bad/name LATEST", "bad-room-name");
        RawClient me = c.get(0);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            me.send(e.getKey());
            Json error = me.takeType("error");
            assertEquals(e.getValue(), error.str("code"), e.getKey() + ": " + error.str("message"));
        }
    }

    @Test
    void aClientHasAtMost32RoomsAndJoiningTwiceChangesNothing() {
        server.start();
        RawClient me = server.join();
        for (int i = 0; i < 32; i++) {
            me.send("JOIN r" + i);
            me.takeType("ok");
        }
        me.send("JOIN r0");
        assertEquals(1, me.takeType("ok").num("members"));
        me.send("JOIN r32");
        assertEquals("too-many-rooms", me.takeType("error").str("code"));
        me.send("PART r5");
        me.takeType("ok");
        me.send("JOIN r32");
        me.takeType("ok");
    }

    @Test
    void aRoomsHistoryIsForItsMembersAndSurvivesTheRoom() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(0).send("JOIN Café");
        c.get(0).takeType("ok");
        for (int i = 1; i <= 3; i++) {
            c.get(0).send("POST café m" + i);
            c.get(0).takeType("ok");
        }
        c.get(0).send("SAY not in the room");
        c.get(0).takeType("ok");
        c.get(1).takeType("message");
        c.get(0).send("PART Café");
        c.get(0).takeType("ok"); // the room is gone, its history is not

        c.get(1).send("JOIN CAFÉ");
        c.get(1).takeType("ok");
        c.get(1).send("HISTORY café LATEST");
        Json page = c.get(1).takeType("history");

        assertEquals("CAFÉ", page.str("target"));
        assertEquals(List.of("m1", "m2", "m3"), page.objs("messages").stream().map(m -> m.str("message")).toList());
        assertEquals("CAFÉ", page.objs("messages").get(0).str("room"));
        c.get(1).send("HISTORY * LATEST");
        assertEquals(List.of("not in the room"),
                c.get(1).takeType("history").objs("messages").stream().map(m -> m.str("message")).toList());
    }

    @Test
    void aRenameReachesRoomMatesWhenTheServerWideNoticeIsOff() {
        server.start(b -> b.presenceLimit(2));
        RawClient first = server.join();
        RawClient second = server.join();
        first.takeType("join"); // two clients: the server-wide notice still goes out
        List<RawClient> c = List.of(first, second, server.join()); // three > presenceLimit 2: none any more
        c.get(0).send("JOIN pair");
        c.get(0).takeType("ok");
        c.get(1).send("JOIN pair");
        c.get(1).takeType("ok");
        c.get(0).takeType("join");

        c.get(1).send("NAME Bea");
        c.get(1).takeType("ok");

        Json rename = c.get(0).takeType("rename");
        assertEquals("pair", rename.str("room"));
        assertEquals("Bea", rename.obj("client").str("name"));
        c.get(2).sync();
        c.get(2).assertNothingPending();
    }
}
