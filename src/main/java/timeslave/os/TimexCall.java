package timeslave.os;

import timeslave.time.ClockException;

/**
 * The one kernel call {@link LinuxClock} makes, behind an interface so a test can check exactly
 * which struct reaches the kernel without the kernel ever seeing it.
 */
public interface TimexCall {

    /** CLOCK_REALTIME's id for clock_adjtime(2). */
    int CLOCK_REALTIME = 0;

    /**
     * clock_adjtime(2): returns the clock state (≥ 0; 5 = TIME_ERROR is not an error) or −1, after
     * which {@link #lastErrno()} says why.
     *
     * @throws ClockException when the binding refuses the call without making it (writes forbidden)
     */
    int clockAdjtime(int clockId, Timex tx) throws ClockException;

    /** errno of the last call that returned −1, on this thread. */
    int lastErrno();
}
