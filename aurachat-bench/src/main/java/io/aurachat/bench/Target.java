package io.aurachat.bench;

/** The servers the generator can drive. */
public enum Target {
    /** An AuraChat server, over its line protocol. */
    AURACHAT("aurachat", AuraChatCodec.INSTANCE),
    /** A Redis server, over RESP3 pub/sub. */
    REDIS("redis", RespCodec.INSTANCE);

    private final String wireName;
    private final Codec codec;

    Target(String wireName, Codec codec) {
        this.wireName = wireName;
        this.codec = codec;
    }

    /** The lower-case name used on the command line and in results. */
    public String wireName() {
        return wireName;
    }

    Codec codec() {
        return codec;
    }
}
