/** The AuraChat reference apps; they use only what io.aurachat.core and the optional modules export. */
module io.aurachat.examples {
    requires io.aurachat.core;
    requires io.aurachat.names.icu;
    requires io.aurachat.store.sqlite;
    requires io.aurachat.bouncycastle;
    requires info.picocli;
    requires org.jline.reader;
    requires org.jline.terminal;
    requires org.slf4j;
    requires tools.jackson.core;

    opens io.aurachat.examples to info.picocli;
}
