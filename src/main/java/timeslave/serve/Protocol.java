package timeslave.serve;

import timeslave.time.Epochs;

/**
 * One served protocol over UDP: how a request becomes its reply in the same buffer. The socket loop
 * ({@link UdpServer}) reads the clock as the datagram arrives and again just before sending.
 */
public interface Protocol {

    /** "ntp", "taiclock" or "time", as logged. */
    String name();

    /** Bytes to receive into: the largest request answered plus one, so an oversized one is seen. */
    int bufferBytes();

    /**
     * Whether the protocol has a way to say "unsynchronised" in its reply (NTP's LI 3); without
     * one, an unsynchronised server stays silent.
     */
    boolean answersUnsynchronised();

    /** Null if the request is answered, else why not (checked before the rate limit). */
    Drop check(byte[] buf, int len);

    /**
     * Writes the reply for a checked request received at local time {@code receiveRealNanos} /
     * {@code receiveMonoNanos}; returns its length (never more than {@code len}, but for RFC 868's
     * empty request).
     */
    int reply(byte[] buf, int len, long receiveRealNanos, long receiveMonoNanos);

    /** Writes the transmit time just before sending (NTP's T3; nothing for the others). */
    default void stamp(byte[] buf, long transmitRealNanos, long transmitMonoNanos) {
    }

    /** For a checked request over its rate limit: writes a KoD RATE and returns its length, or 0 for none. */
    default int kissOfDeath(byte[] buf, int len) {
        return 0;
    }

    /** NTP server mode (RFC 5905). */
    static Protocol ntp(ServedClock clock) {
        return new Protocol() {
            @Override
            public String name() {
                return "ntp";
            }

            @Override
            public int bufferBytes() {
                return NtpServerCodec.MAX_REQUEST_BYTES + 1;
            }

            @Override
            public boolean answersUnsynchronised() {
                return true;
            }

            @Override
            public Drop check(byte[] buf, int len) {
                return NtpServerCodec.check(buf, len);
            }

            @Override
            public int reply(byte[] buf, int len, long real, long mono) {
                NtpServerCodec.reply(buf, len, clock.ntpHeader(real, mono),
                        Epochs.ntp64FromPosixNanos(clock.servedNanos(real, mono)));
                return NtpServerCodec.HEADER_BYTES;
            }

            @Override
            public void stamp(byte[] buf, long real, long mono) {
                NtpServerCodec.stampTransmit(buf, Epochs.ntp64FromPosixNanos(clock.servedNanos(real, mono)));
            }

            @Override
            public int kissOfDeath(byte[] buf, int len) {
                NtpServerCodec.kissOfDeath(buf, "RATE", clock.precisionLog2());
                return NtpServerCodec.HEADER_BYTES;
            }
        };
    }

    /**
     * TAICLOCK (taiclockd): labels 2^62 + 10 + POSIX seconds as taiclockd does, or with
     * {@code trueTai} 2^62 + TAI seconds from the leap-seconds table (taiclockd's scale where the
     * table does not know the date).
     */
    static Protocol taiclock(ServedClock clock, boolean trueTai) {
        return new Protocol() {
            @Override
            public String name() {
                return "taiclock";
            }

            @Override
            public int bufferBytes() {
                return TaiclockServerCodec.MAX_BYTES + 1;
            }

            @Override
            public boolean answersUnsynchronised() {
                return false;
            }

            @Override
            public Drop check(byte[] buf, int len) {
                return TaiclockServerCodec.check(buf, len);
            }

            @Override
            public int reply(byte[] buf, int len, long real, long mono) {
                long served = clock.servedNanos(real, mono);
                long k = trueTai ? clock.taiMinusUtcSeconds(served).orElse((int) TaiclockServerCodec.TAICLOCKD_OFFSET_SECONDS)
                        : TaiclockServerCodec.TAICLOCKD_OFFSET_SECONDS;
                TaiclockServerCodec.reply(buf, len, served, k);
                return len;
            }
        };
    }

    /** RFC 868 over UDP. */
    static Protocol time(ServedClock clock) {
        return new Protocol() {
            @Override
            public String name() {
                return "time";
            }

            @Override
            public int bufferBytes() {
                return TimeServerCodec.MAX_REQUEST_BYTES + 1;
            }

            @Override
            public boolean answersUnsynchronised() {
                return false;
            }

            @Override
            public Drop check(byte[] buf, int len) {
                return TimeServerCodec.check(len);
            }

            @Override
            public int reply(byte[] buf, int len, long real, long mono) {
                TimeServerCodec.encode(buf, clock.servedNanos(real, mono));
                return TimeServerCodec.REPLY_BYTES;
            }
        };
    }
}
