/**
 * Accounts: the extension points that register and authenticate users ({@link
 * io.aurachat.accounts.PasswordHasher}), and their defaults.
 */
package io.aurachat.accounts;
