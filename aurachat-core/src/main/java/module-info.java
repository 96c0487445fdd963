/** AuraChat: an embeddable chat server, client and LAN discovery. */
module io.aurachat.core {
    requires org.slf4j;
    requires tools.jackson.core;

    exports io.aurachat.server;
}
