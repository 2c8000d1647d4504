package timeslave.sim;

/**
 * What one simulated run measured, from the world's truth (never from the daemon's own belief).
 *
 * @param syncSec            first true second after which |clock error| stayed below 1 ms (-1: never)
 * @param rmsNanos           RMS |clock error| over the statistics period, ns
 * @param p99Nanos           99th percentile of |clock error|, ns
 * @param maxNanos           largest |clock error|, ns
 * @param freqErrPpm1h       |timetrim − true correction| at 1 h, ppm (NaN if the run is shorter)
 * @param freqErrPpm6h       the same at 6 h
 * @param freqErrPpm24h      the same at 24 h
 * @param freqErrPpmEnd      the same at the end
 * @param freqRmsPpm         RMS of the clock's frequency error (oscillator + correction in force) over the period, ppm
 * @param boundValidFraction fraction of seconds when the truth lay inside the daemon's error bound
 * @param boundMedianNanos   median half-width of the bound, ns
 * @param packets            probes sent
 * @param steps              clock steps
 * @param clockWrites        calls of any clock write method
 * @param timetrimNsPerSec   the daemon's timetrim at the end
 * @param trueTrimNsPerSec   the correction the oscillator needed at the end
 * @param seconds            length of the run, s
 * @param estimateRmsNanos   RMS error of the filter's offset estimates (before the discipline acts), ns
 * @param freqErrPpmFirst10s largest |timetrim − true correction| in the first 10 s, ppm (later the truth itself wanders 1 ns/s per √s)
 */
public record SimResult(long syncSec, double rmsNanos, double p99Nanos, double maxNanos, double freqErrPpm1h,
                        double freqErrPpm6h, double freqErrPpm24h, double freqErrPpmEnd, double freqRmsPpm,
                        double boundValidFraction, double boundMedianNanos, long packets, int steps,
                        int clockWrites, double timetrimNsPerSec, double trueTrimNsPerSec, long seconds,
                        double estimateRmsNanos, double freqErrPpmFirst10s) {

    /** Probes per simulated hour. */
    public double packetsPerHour() {
        return packets * 3600.0 / seconds;
    }
}
