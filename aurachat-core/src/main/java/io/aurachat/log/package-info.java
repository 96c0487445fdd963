/**
 * Log sinks: the {@link io.aurachat.log.LogSink} extension point that receives every server event as a
 * typed {@link io.aurachat.log.LogEvent}, the SLF4J sink and the XML audit log
 * ({@link io.aurachat.log.XmlLogSink}, with its schema {@code aurachat-log.xsd}).
 */
package io.aurachat.log;
