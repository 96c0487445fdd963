package io.aurachat.bouncycastle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command, the independent maker and reader of PEM files these tests compare with. A
 * missing openssl fails the test: skipping would leave the formats users bring untested without anyone noticing.
 */
final class OpenSsl {
    private OpenSsl() {
    }

    /** Runs {@code openssl args...} in {@code dir} and returns its output (stdout and stderr); fails unless it exits 0. */
    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need the openssl command on the PATH: " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl did not finish: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    /** {@code openssl x509 -fingerprint -sha256} of a PEM certificate, as lowercase hex without colons. */
    static String fingerprint(Path certificate) throws IOException, InterruptedException {
        String output = run(certificate.getParent(), "x509", "-in", certificate.toString(), "-noout", "-fingerprint",
                "-sha256").strip();
        // "sha256 Fingerprint=AB:CD:..." (OpenSSL 3) or "SHA256 Fingerprint=..." (1.1)
        return output.substring(output.indexOf('=') + 1).replace(":", "").toLowerCase(Locale.ROOT);
    }

    /**
     * A self-signed certificate and its unencrypted PKCS#8 key for {@code CN=cn}, made with {@code -newkey newKey}
     * ({@code rsa:2048}, {@code ec} with {@code -pkeyopt ec_paramgen_curve:P-256}, {@code ed25519}).
     */
    static void selfSigned(Path dir, String newKey, String cn, Path cert, Path key)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", newKey));
        if (newKey.equals("ec")) {
            args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        }
        args.addAll(List.of("-nodes", "-days", "1", "-subj", "/CN=" + cn, "-keyout", key.toString(), "-out",
                cert.toString()));
        run(dir, args.toArray(String[]::new));
    }
}
