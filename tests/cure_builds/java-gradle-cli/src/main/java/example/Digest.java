package example;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A command-line tool: prints the SHA-256 of each argument, in hex. */
public final class Digest {
    public static void main(String[] args) throws NoSuchAlgorithmException {
        for (String text : args) {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : hash) {
                hex.append(String.format("%02x", b));
            }
            System.out.println(hex + "  " + text);
        }
    }
}
