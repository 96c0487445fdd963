package io.aurachat.hub;

import io.aurachat.command.CommandException;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.NameRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's rooms: named groups that clients join and leave, each with its members. A room exists while it has a
 * member: the first {@code JOIN} makes it, the last member's leaving deletes it (its history stays in the store, and
 * a room made again with the same name sees it).
 *
 * <p>Membership changes (join, part, a member's connection ending) take one lock, and the room's presence notices are
 * queued under it, so that every member sees a room's joins and leaves in one order. Routing a message to a room
 * reads the members without the lock. Notices go to each member's peer, which queues them and may try a
 * non-blocking write: nothing under the lock waits.
 */
final class Rooms {
    /** The most rooms a client can be in at once. */
    static final int MAX_ROOMS_PER_CLIENT = 32;
    /** The most rooms a server has at once. */
    static final int MAX_ROOMS = 1_000;
    /** The longest room name, in code points. */
    static final int MAX_NAME_LENGTH = 32;

    /** One room. Its members map is read without the lock (routing) and changed under it. */
    static final class Room {
        final String name;
        final String key;
        final Map<ClientId, Client> members = new ConcurrentHashMap<>();

        Room(String name, String key) {
            this.name = name;
            this.key = key;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final int presenceLimit;

    Rooms(int presenceLimit) {
        this.presenceLimit = presenceLimit;
    }

    /** Why {@code name} cannot name a room, or {@code null} if it can. */
    static String problem(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME_LENGTH) {
            return "a room name is 1 to " + MAX_NAME_LENGTH + " characters long";
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!Character.isLetterOrDigit(cp) && cp != '-' && cp != '_' && cp != '.') {
                return "a room name has only letters, digits, '-', '_' and '.'";
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** The key rooms are told apart by: case and compatibility forms do not count ({@code Lobby} is {@code lobby}). */
    static String key(String name) {
        return NameRule.standardKey(name);
    }

    /**
     * The existing room {@code name} names.
     *
     * @throws CommandException {@code bad-room-name} or {@code no-such-room}
     */
    Room existing(String name) throws CommandException {
        check(name);
        Room room = rooms.get(key(name));
        if (room == null) {
            throw new CommandException(ErrorCodes.NO_SUCH_ROOM, "there is no room '" + name + "'");
        }
        return room;
    }

    /** The room {@code name} names if {@code client} is in it. */
    Room membership(Client client, String name) throws CommandException {
        check(name);
        Room room = client.rooms.get(key(name));
        if (room == null) {
            throw new CommandException(ErrorCodes.NOT_IN_ROOM, "you are not in room '" + name + "' (JOIN it first)");
        }
        return room;
    }

    private static void check(String name) throws CommandException {
        String problem = problem(name);
        if (problem != null) {
            throw new CommandException(ErrorCodes.BAD_ROOM_NAME, problem + ": '" + name + "'");
        }
    }

    /**
     * Puts {@code client} in room {@code name}, making it if need be, and tells the members. Joining a room one is in
     * changes nothing.
     *
     * @return the room
     * @throws CommandException {@code bad-room-name}, or {@code too-many-rooms} (the client's or the server's limit)
     */
    Room join(Client client, String name) throws CommandException {
        check(name);
        String key = key(name);
        lock.lock();
        try {
            Room already = client.rooms.get(key);
            if (already != null) {
                return already;
            }
            if (client.rooms.size() >= MAX_ROOMS_PER_CLIENT) {
                throw new CommandException(ErrorCodes.TOO_MANY_ROOMS,
                        "you are in " + MAX_ROOMS_PER_CLIENT + " rooms, the most there can be; PART one first");
            }
            Room room = rooms.get(key);
            if (room == null) {
                if (rooms.size() >= MAX_ROOMS) {
                    throw new CommandException(ErrorCodes.TOO_MANY_ROOMS,
                            "the server has " + MAX_ROOMS + " rooms, the most there can be; join one of them (ROOMS)");
                }
                room = new Room(name, key);
                rooms.put(key, room);
            }
            if (!client.isOpen()) {
                if (room.members.isEmpty()) {
                    rooms.remove(key, room); // made for a client that left meanwhile
                }
                return room;
            }
            room.members.put(client.id, client);
            client.rooms.put(key, room);
            if (room.members.size() <= presenceLimit) {
                notify(room, Wire.roomJoin(client.info(), room.name), client);
            }
            return room;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code client} out of {@code room} and tells the other members why.
     *
     * @param reason {@code part}, or why its connection ended; {@code null} tells nobody (a shutdown)
     * @return whether it was in it
     */
    boolean leave(Client client, Room room, String reason) {
        lock.lock();
        try {
            if (room.members.remove(client.id, client)) {
                client.rooms.remove(room.key, room);
                // The leaver counts, as for the server's leave notices.
                if (reason != null && room.members.size() < presenceLimit) {
                    notify(room, Wire.roomLeave(client.info(), room.name, reason), client);
                }
                if (room.members.isEmpty()) {
                    rooms.remove(room.key, room);
                }
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A client's connection ended: it leaves every room it was in. */
    void left(Client client, LeaveReason reason) {
        if (client.rooms.isEmpty()) {
            return;
        }
        for (Room room : List.copyOf(client.rooms.values())) {
            leave(client, room, reason == LeaveReason.SERVER_SHUTDOWN ? null : reason.wireName());
        }
    }

    /**
     * A resume: {@code to} takes {@code from}'s place in every room {@code from} is in, under the same id, with no
     * notice (the members never saw it leave). {@code to} is in no room yet.
     *
     * @return the rooms, now {@code to}'s
     */
    List<Room> transfer(Client from, Client to) {
        lock.lock();
        try {
            List<Room> moved = List.copyOf(from.rooms.values());
            for (Room room : moved) {
                room.members.replace(from.id, from, to);
                to.rooms.put(room.key, room);
            }
            from.rooms.clear();
            return moved;
        } finally {
            lock.unlock();
        }
    }

    /** A rename, to the members of each of the client's rooms (when the server-wide one did not go out). */
    void renamed(Client client, ClientInfo after, String previous) {
        lock.lock();
        try {
            for (Room room : client.rooms.values()) {
                if (room.members.size() <= presenceLimit) {
                    notify(room, Wire.roomRename(after, previous, room.name), client);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues a notice to every welcomed member but {@code except}. */
    private static void notify(Room room, byte[] line, Client except) {
        for (Client c : room.members.values()) {
            if (c != except && c.welcomed) {
                c.sendPresence(line);
            }
        }
    }

    /** The rooms by name, each with its member count (a snapshot). */
    List<Room> all() {
        List<Room> list = new ArrayList<>(rooms.values());
        list.sort(Comparator.comparing(r -> r.key));
        return list;
    }

    /** A room's members, in connection order (a snapshot). */
    static List<ClientInfo> members(Room room) {
        Collection<Client> members = room.members.values();
        List<ClientInfo> list = new ArrayList<>(members.size());
        for (Client c : members) {
            list.add(c.info());
        }
        list.sort(Comparator.comparing(ClientInfo::id));
        return list;
    }
}
