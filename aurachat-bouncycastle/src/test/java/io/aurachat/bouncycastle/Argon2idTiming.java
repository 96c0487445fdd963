package io.aurachat.bouncycastle;

import java.util.Arrays;

/**
 * Prints how long one hash takes with {@link Argon2idHasher}'s defaults on this machine, for docs/bouncycastle.md; not
 * a test (a timing assertion would fail on a slow or busy machine and prove nothing). Run it as that document says.
 * Arguments: warm-up hashes, then measured hashes (defaults 10 and 30).
 */
final class Argon2idTiming {
    private Argon2idTiming() {
    }

    public static void main(String[] args) {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Argon2idHasher hasher = Argon2idHasher.create();
        char[] password = "correct horse battery staple".toCharArray();
        String encoded = null;
        for (int i = 0; i < warmUp; i++) {
            encoded = hasher.hash(password);
        }
        double[] hashMillis = new double[rounds];
        double[] verifyMillis = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            encoded = hasher.hash(password);
            long middle = System.nanoTime();
            if (!hasher.verify(password, encoded)) {
                throw new AssertionError("does not verify: " + encoded);
            }
            long end = System.nanoTime();
            hashMillis[i] = (middle - start) / 1e6;
            verifyMillis[i] = (end - middle) / 1e6;
        }
        System.out.printf("%s on %s %s (%s), %d processors, %d warm-up + %d rounds%n", hasher,
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), warmUp, rounds);
        print("hash", hashMillis);
        print("verify", verifyMillis);
    }

    private static void print(String what, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("%-6s median %.1f ms, min %.1f ms, max %.1f ms%n", what, sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1]);
    }
}
