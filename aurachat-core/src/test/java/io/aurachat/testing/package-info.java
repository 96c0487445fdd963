/**
 * Test fixtures for network tests: a server that lives for one test, a raw scripted line client, a
 * recording log sink and bounded waits.
 */
package io.aurachat.testing;
