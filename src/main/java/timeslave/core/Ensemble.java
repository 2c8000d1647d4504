package timeslave.core;

import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;

import java.util.ArrayList;
import java.util.List;

/**
 * Several references served as one: each round measures every member, puts each answer's interval
 * [offset − bound, offset + bound] through {@link Selection} (Marzullo's intersection, RFC 5905
 * §11.2.1), leaves out the falsetickers and the members that did not answer, and combines the
 * truechimers into one {@link Sample} that {@link Slave} filters like any other.
 *
 * <p>The combined offset is the mean of the truechimers' offsets weighted by 1/bound², clamped into
 * the agreed interval [A, B] that every truechimer's interval contains (the truth lies there if the
 * truechimers are honest); its bound is the distance to the farther end of [A, B], so it is honest
 * for the combination and never wider than the agreed interval. With one member answering, the
 * combined sample is that member's own.
 *
 * <p>A round counts only when more than half of the members that answered agree (a majority
 * clique). Two members that disagree have no majority: nothing tells which one lies, so that round
 * fails ("masters disagree"), the clock coasts on its timetrim, and neither is called a falseticker.
 * A silent member is simply left out (failover), so one of two members answering is a majority of
 * one; the ensemble fails only when no member answers or the answers have no majority.
 *
 * <p>Health is logged per member, once per episode: "master NAME unreachable: REASON" after
 * {@link Slave#UNREACHABLE_AFTER_FAILURES} failed rounds and "master NAME back"; "master NAME
 * falseticker: …" and "master NAME agrees again: …" after {@link #VERDICT_AFTER_ROUNDS} agreeing
 * rounds. Hence {@link #reportsOwnHealth()}: the daemon keeps its ensemble-level lines at debug level.
 */
public final class Ensemble implements Reference {

    /**
     * Most members, as chrony's and ntpd's default of a few sources: each round measures them one
     * after another, so a round with every member silent lasts members × the -W/-w timeouts.
     */
    public static final int MAX_MEMBERS = 8;
    /**
     * Local clock drift allowed between two members' measurements in one round, ns/s (500 ppm, the
     * Linux kernel's frequency range): each interval is widened by it times its age at the round's end.
     */
    static final double ROUND_DRIFT_ALLOWANCE_NS_PER_SEC = 500_000.0;
    /** Consecutive rounds with the same verdict before a member's falseticker state changes (one odd round is not news). */
    static final int VERDICT_AFTER_ROUNDS = 2;

    /** One member's part in the last round: its sample (null if it failed) and the verdict. */
    public record Member(String name, Sample sample, String failure, boolean truechimer) {
    }

    private static final class State {
        final Reference ref;
        int failures;
        boolean unreachable;
        boolean falseticker;
        int contrary;

        State(Reference ref) {
            this.ref = ref;
        }
    }

    private final List<State> members = new ArrayList<>();
    private final Log log;
    private final String name;
    private boolean disagreeing;
    private volatile List<Member> lastRound = List.of();
    private double[] agreed;

    /**
     * @param members the references, 1 to {@link #MAX_MEMBERS}, with names distinct in any case
     * @param log     where the health lines go
     */
    public Ensemble(List<? extends Reference> members, Log log) {
        if (members.isEmpty() || members.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("an ensemble has 1 to " + MAX_MEMBERS + " members, not " + members.size());
        }
        List<String> names = new ArrayList<>();
        for (Reference r : members) {
            // Host names are case-blind: a master named twice would have two votes.
            if (names.stream().anyMatch(r.name()::equalsIgnoreCase)) {
                throw new IllegalArgumentException("master " + r.name() + " given twice");
            }
            names.add(r.name());
            this.members.add(new State(r));
        }
        this.log = log;
        this.name = String.join(",", names);
    }

    /** The members' names joined by commas. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean reportsOwnHealth() {
        return true;
    }

    /** The members' names, in the order given. */
    public List<String> memberNames() {
        return members.stream().map(m -> m.ref.name()).toList();
    }

    /** The members, in the order given. */
    public List<Reference> memberReferences() {
        return members.stream().map(m -> m.ref).toList();
    }

    /** Every member's part in the last round, in the order given. */
    public List<Member> lastRound() {
        return lastRound;
    }

    /** The interval [A, B] ns the truechimers agreed on in the last counted round, or null. */
    public double[] agreedNanos() {
        return agreed == null ? null : agreed.clone();
    }

    @Override
    public Sample measure() throws MeasurementException {
        int n = members.size();
        Sample[] samples = new Sample[n];
        String[] failures = new String[n];
        List<Integer> answered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            State m = members.get(i);
            try {
                samples[i] = m.ref.measure();
                answered.add(i);
                m.failures = 0;
                if (m.unreachable) {
                    health(m, Priority.NOTICE, "master " + m.ref.name() + " back");
                    m.unreachable = false;
                }
            } catch (MeasurementException | RuntimeException e) {
                failures[i] = e instanceof MeasurementException ? e.getMessage() : "internal error: " + e;
                m.failures++;
                if (!m.unreachable && m.failures >= Slave.UNREACHABLE_AFTER_FAILURES) {
                    // ops12: "unreachable" only for a master that did not answer
                    health(m, Priority.ERR, "master " + m.ref.name() + " " + Slave.failingWord(e) + ": " + failures[i]);
                    m.unreachable = true;
                } else {
                    log.debug(1, "master " + m.ref.name() + ": " + failures[i]);
                }
            }
        }
        agreed = null;
        if (answered.isEmpty()) {
            lastRound = round(samples, failures, List.of());
            throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no master answered");
        }
        long endMono = Long.MIN_VALUE;
        for (int i : answered) {
            endMono = Math.max(endMono, samples[i].monoNanos());
        }
        double[] lo = new double[answered.size()];
        double[] hi = new double[answered.size()];
        double[] half = new double[answered.size()];
        for (int k = 0; k < answered.size(); k++) {
            Sample s = samples[answered.get(k)];
            half[k] = s.errorNanos() + ROUND_DRIFT_ALLOWANCE_NS_PER_SEC * (endMono - s.monoNanos()) / 1e9;
            lo[k] = s.offsetNanos() - half[k];
            hi[k] = s.offsetNanos() + half[k];
        }
        Selection.Result sel = Selection.select(lo, hi);
        if (!sel.majorityOf(answered.size())) {
            if (!disagreeing) {
                // ops12: name each answering master with its offset, so the odd one out can be found
                StringBuilder who = new StringBuilder();
                for (int i : answered) {
                    who.append(who.length() == 0 ? "" : ", ").append(members.get(i).ref.name()).append(' ')
                            .append(Seconds.signed(samples[i].offsetNanos())).append(" s");
                }
                log.warning("masters disagree: no majority among " + answered.size() + " answering: " + who);
                disagreeing = true;
            }
            lastRound = round(samples, failures, List.of());
            throw new MeasurementException(MeasurementException.Kind.BAD_REPLY, "masters disagree: no majority among "
                    + answered.size() + " answering");
        }
        if (disagreeing) {
            log.notice("masters agree again");
            disagreeing = false;
        }
        agreed = new double[] {sel.loNanos(), sel.hiNanos()};
        List<Integer> chosen = new ArrayList<>();
        for (int k = 0; k < answered.size(); k++) {
            int i = answered.get(k);
            boolean truechimer = sel.truechimers().contains(k);
            if (truechimer) {
                chosen.add(i);
            }
            verdict(members.get(i), samples[i], truechimer, sel);
        }
        lastRound = round(samples, failures, chosen);
        return combine(samples, chosen, answered, half, sel);
    }

    private void verdict(State m, Sample s, boolean truechimer, Selection.Result sel) {
        log.debug(1, "master " + m.ref.name() + " offset " + Seconds.signed(s.offsetNanos()) + " s bound "
                + Seconds.unsigned(s.errorNanos()) + " s: " + (truechimer ? "truechimer" : "falseticker"));
        boolean changes = truechimer == m.falseticker;
        m.contrary = changes ? m.contrary + 1 : 0;
        if (m.contrary < VERDICT_AFTER_ROUNDS) {
            return;
        }
        m.contrary = 0;
        m.falseticker = !truechimer;
        String agreedText = "[" + Seconds.signed(sel.loNanos()) + ", " + Seconds.signed(sel.hiNanos()) + "] s";
        if (m.falseticker) {
            log.warning("master " + m.ref.name() + " falseticker: offset " + Seconds.signed(s.offsetNanos())
                    + " s outside the agreed " + agreedText);
        } else {
            log.notice("master " + m.ref.name() + " agrees again: offset " + Seconds.signed(s.offsetNanos())
                    + " s within the agreed " + agreedText);
        }
    }

    /** Weighted mean of the truechimers (weights 1/half-width²), clamped into the agreed interval. */
    private static Sample combine(Sample[] samples, List<Integer> chosen, List<Integer> answered, double[] half,
                                  Selection.Result sel) {
        Sample first = samples[chosen.get(0)];
        double sw = 0;
        double offset = 0;
        double mono = 0;
        double local = 0;
        double delay = 0;
        List<String> names = new ArrayList<>();
        for (int i : chosen) {
            Sample s = samples[i];
            double h = half[answered.indexOf(i)];
            double w = 1.0 / (h * h);
            sw += w;
            offset += w * s.offsetNanos();
            mono += w * (s.monoNanos() - first.monoNanos());
            local += w * (s.localNanos() - first.localNanos());
            delay += w * s.delayNanos();
            names.add(s.source());
        }
        double off = Math.max(sel.loNanos(), Math.min(sel.hiNanos(), offset / sw));
        long offNanos = Math.round(off);
        long errorNanos = (long) Math.ceil(Math.max(offNanos - sel.loNanos(), sel.hiNanos() - offNanos));
        return new Sample(String.join("+", names), first.monoNanos() + Math.round(mono / sw),
                first.localNanos() + Math.round(local / sw), offNanos, Math.round(delay / sw), Math.max(1, errorNanos));
    }

    private List<Member> round(Sample[] samples, String[] failures, List<Integer> chosen) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            out.add(new Member(members.get(i).ref.name(), samples[i], failures[i], chosen.contains(i)));
        }
        return List.copyOf(out);
    }

    /** A member that reports its own health (a serial receiver) keeps these lines at debug level. */
    private void health(State m, Priority priority, String message) {
        if (m.ref.reportsOwnHealth()) {
            log.debug(1, message);
        } else {
            log.log(priority, message);
        }
    }

    @Override
    public void close() {
        for (State m : members) {
            m.ref.close();
        }
    }
}
