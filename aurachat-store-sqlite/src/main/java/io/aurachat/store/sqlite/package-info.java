/**
 * History in an SQLite file: {@link io.aurachat.store.sqlite.SqliteHistoryStore} (the public entry point, made by
 * its builder); its writer thread, reader threads and schema are package-private beside it.
 */
package io.aurachat.store.sqlite;
