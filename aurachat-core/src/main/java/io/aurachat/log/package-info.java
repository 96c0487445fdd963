/**
 * Log sinks: the {@link io.aurachat.log.LogSink} extension point that receives every server event as a
 * typed {@link io.aurachat.log.LogEvent}, and the SLF4J sink.
 */
package io.aurachat.log;
