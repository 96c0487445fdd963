/**
 * The AuraChat reference apps. They use only the API that {@code io.aurachat.core} exports, exactly
 * as a program of yours would.
 */
package io.aurachat.examples;
