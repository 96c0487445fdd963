/**
 * The TCP transport: the accept thread, the I/O threads (selector event loops), one connection per client
 * with its bounded output queue, and the line decoder. It feeds lines to the hub and knows nothing of
 * commands. Not exported.
 */
package io.aurachat.tcp;
