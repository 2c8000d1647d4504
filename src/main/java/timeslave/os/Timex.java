package timeslave.os;

import com.sun.jna.NativeLong;
import com.sun.jna.Structure;

/**
 * Linux {@code struct timex} (x86_64, 208 bytes), the argument of clock_adjtime(2); field meanings,
 * units and mode bits are in adjtimex(2) and clock_adjtime(2).
 */
@Structure.FieldOrder({"modes", "offset", "freq", "maxerror", "esterror", "status", "constant", "precision",
        "tolerance", "timeSec", "timeUsec", "tick", "ppsfreq", "jitter", "shift", "stabil", "jitcnt", "calcnt",
        "errcnt", "stbcnt", "tai", "padding"})
public class Timex extends Structure {
    public static final int ADJ_OFFSET = 0x0001;
    public static final int ADJ_FREQUENCY = 0x0002;
    public static final int ADJ_MAXERROR = 0x0004;
    public static final int ADJ_ESTERROR = 0x0008;
    public static final int ADJ_STATUS = 0x0010;
    public static final int ADJ_SETOFFSET = 0x0100;
    public static final int ADJ_NANO = 0x2000;
    public static final int ADJ_TICK = 0x4000;
    /** adjtime(3)-style slew of {@code offset} µs at 500 ppm. */
    public static final int ADJ_OFFSET_SINGLESHOT = 0x8001;

    public static final int STA_PLL = 0x0001;
    public static final int STA_INS = 0x0010;
    public static final int STA_DEL = 0x0020;
    public static final int STA_UNSYNC = 0x0040;

    /** The timex size the kernel expects on x86_64. */
    public static final int SIZE_X86_64 = 208;

    public int modes;
    public NativeLong offset = new NativeLong();
    /** Frequency correction in 2^-16 ppm (65 536 = 1 ppm = 1000 ns/s). */
    public NativeLong freq = new NativeLong();
    /** µs. */
    public NativeLong maxerror = new NativeLong();
    /** µs. */
    public NativeLong esterror = new NativeLong();
    public int status;
    public NativeLong constant = new NativeLong();
    public NativeLong precision = new NativeLong();
    public NativeLong tolerance = new NativeLong();
    /** struct timeval time: seconds. */
    public NativeLong timeSec = new NativeLong();
    /** struct timeval time: µs, or ns with ADJ_NANO. */
    public NativeLong timeUsec = new NativeLong();
    /** µs per clock tick (10 000 at USER_HZ 100). */
    public NativeLong tick = new NativeLong();
    public NativeLong ppsfreq = new NativeLong();
    public NativeLong jitter = new NativeLong();
    public int shift;
    public NativeLong stabil = new NativeLong();
    public NativeLong jitcnt = new NativeLong();
    public NativeLong calcnt = new NativeLong();
    public NativeLong errcnt = new NativeLong();
    public NativeLong stbcnt = new NativeLong();
    public int tai;
    public int[] padding = new int[11];

    /** Byte offset of a field in the native struct (for the layout test). */
    int offsetOf(String field) {
        return fieldOffset(field);
    }

    /** Names the mode bits set in {@code modes}, for error messages: "ADJ_SETOFFSET|ADJ_NANO". */
    public static String modeNames(int modes) {
        if (modes == 0) {
            return "read";
        }
        if ((modes & ADJ_OFFSET_SINGLESHOT) == ADJ_OFFSET_SINGLESHOT) {
            return "ADJ_OFFSET_SINGLESHOT" + rest(modes & ~ADJ_OFFSET_SINGLESHOT);
        }
        return rest(modes).substring(1);
    }

    private static String rest(int modes) {
        StringBuilder b = new StringBuilder();
        String[] names = {"ADJ_OFFSET", "ADJ_FREQUENCY", "ADJ_MAXERROR", "ADJ_ESTERROR", "ADJ_STATUS",
            "ADJ_TIMECONST", "0x40", "ADJ_TAI", "ADJ_SETOFFSET", "0x200", "0x400", "0x800", "ADJ_MICRO", "ADJ_NANO",
            "ADJ_TICK", "0x8000"};
        for (int i = 0; i < names.length; i++) {
            if ((modes & (1 << i)) != 0) {
                b.append('|').append(names[i]);
            }
        }
        return b.toString();
    }
}
