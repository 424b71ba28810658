package io.hxo.contracts.hash;

import java.util.HexFormat;

/** Lowercase hex, the only text form of hashes on the wire. */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Hex() {
    }

    public static String of(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static String of(byte[] bytes, int offset, int length) {
        return FORMAT.formatHex(bytes, offset, offset + length);
    }

    /** Writes {@code bytes} as lowercase hex ASCII into {@code out} at {@code offset}; returns the end. */
    public static int write(byte[] bytes, byte[] out, int offset) {
        for (byte b : bytes) {
            out[offset++] = DIGITS[(b >> 4) & 0xf];
            out[offset++] = DIGITS[b & 0xf];
        }
        return offset;
    }

    /** Lowercase hex as ASCII bytes, for headers that carry a hash. */
    public static byte[] ascii(byte[] bytes) {
        byte[] out = new byte[2 * bytes.length];
        write(bytes, out, 0);
        return out;
    }

    /** Parses lowercase or uppercase hex; throws {@link IllegalArgumentException} on anything else. */
    public static byte[] parse(String hex) {
        if (hex == null || (hex.length() & 1) != 0) {
            throw new IllegalArgumentException("not a hex string of even length");
        }
        return FORMAT.parseHex(hex);
    }

    /** Parses a hash: exactly 32 bytes of hex. */
    public static byte[] parseHash(String hex) {
        byte[] b = parse(hex);
        if (b.length != HashAlg.LENGTH) {
            throw new IllegalArgumentException("a hash is 64 hex characters, got " + hex.length());
        }
        return b;
    }

    public static boolean isHash(String s) {
        if (s == null || s.length() != 2 * HashAlg.LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
