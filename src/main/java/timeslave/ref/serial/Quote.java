package timeslave.ref.serial;

/**
 * Renders receiver bytes for a log line the way timeslave did ({q} in TIMESLAVE-BEHAVIOUR.md §10):
 * printable ASCII as is, {@code \\ \n \r \t \b} escaped, any other byte as {@code \0} + octal,
 * trailing NULs dropped, at most 240 characters.
 */
public final class Quote {
    private Quote() {
    }

    /** Longest rendering kept in a log line. */
    static final int MAX_CHARS = 240;

    public static String bytes(byte[] b, int len) {
        int end = Math.min(len, b.length);
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < end && sb.length() < MAX_CHARS; i++) {
            int c = b[i] & 0xFF;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                default:
                    if (c >= 0x20 && c < 0x7F) {
                        sb.append((char) c);
                    } else {
                        sb.append("\\0").append(Integer.toOctalString(c));
                    }
            }
        }
        return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) : sb.toString();
    }

    public static String bytes(byte[] b) {
        return bytes(b, b.length);
    }
}
