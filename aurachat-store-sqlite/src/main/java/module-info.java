/**
 * A {@link io.aurachat.history.HistoryStore} that keeps routed messages in an SQLite file, on xerial sqlite-jdbc
 * (its native libraries come inside its jar). On JDK 24 and later, grant it native access
 * ({@code --enable-native-access=org.xerial.sqlitejdbc}, or {@code ALL-UNNAMED} on the class path) to silence
 * the JNI warning. docs/store-sqlite.md says how to use it.
 */
module io.aurachat.store.sqlite {
    requires transitive io.aurachat.core;
    requires java.sql;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;

    exports io.aurachat.store.sqlite;
}
