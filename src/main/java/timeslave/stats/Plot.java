package timeslave.stats;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * timeslave-plot: draws a --statsdir as three stacked panels sharing a UTC time axis: the offset
 * estimate inside its error bound, the timetrim (frequency correction), and each master's measured
 * offsets. Plain SVG, or PNG through Java2D and javax.imageio: no plotting library is needed for three
 * line charts, and the daemon's jar stays small.
 */
public final class Plot {
    static final int WIDTH = 1200;
    static final int HEIGHT = 960;
    /** PNG pixels per SVG unit, for sharp lines on high-density screens. */
    static final double PNG_SCALE = 1.5;
    static final Color INK = new Color(0x22, 0x2b, 0x36);
    static final Color MUTED = new Color(0x6b, 0x74, 0x80);
    static final Color GRID = new Color(0xe3, 0xe7, 0xec);
    static final Color PANEL = new Color(0xfb, 0xfc, 0xfd);
    static final Color OFFSET = new Color(0x1f, 0x6f, 0xb5);
    static final Color BAND = new Color(0x1f, 0x6f, 0xb5, 0x38);
    static final Color FREQ = new Color(0xc2, 0x41, 0x0c);
    static final Color[] SOURCES = {new Color(0x2a, 0x9d, 0x8f), new Color(0x7b, 0x2c, 0xbf),
            new Color(0xe7, 0x6f, 0x51), new Color(0x26, 0x46, 0x53), new Color(0xe9, 0xc4, 0x6a),
            new Color(0xd6, 0x28, 0x28), new Color(0x43, 0xaa, 0x8b), new Color(0x57, 0x75, 0x90)};

    private Plot() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static final String USAGE = "usage: timeslave-plot --statsdir DIR --output FILE.png|FILE.svg [--title TEXT]";

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path dir = null;
        Path output = null;
        String title = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i + 1 < args.size() && (a.equals("--statsdir") || a.equals("--output") || a.equals("--title"))) {
                String v = args.get(++i);
                switch (a) {
                    case "--statsdir" -> dir = Path.of(v);
                    case "--output" -> output = Path.of(v);
                    default -> title = v;
                }
            } else if (a.equals("--help")) {
                out.println(USAGE);
                return 0;
            } else {
                err.println("timeslave-plot: " + (a.startsWith("--") ? a + " needs a value or is unknown"
                        : "unexpected argument " + a));
                err.println(USAGE);
                return 2;
            }
        }
        if (dir == null || output == null) {
            err.println("timeslave-plot: --statsdir and --output are required");
            err.println(USAGE);
            return 2;
        }
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            err.println("timeslave-plot: --output " + output + ": the name must end in .png or .svg");
            return 2;
        }
        StatsFiles s;
        try {
            s = StatsFiles.read(dir);
        } catch (IOException e) {
            err.println("timeslave-plot: --statsdir " + dir + ": cannot read: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such directory" : e.getMessage()));
            return 1;
        }
        if (s.loops.isEmpty() && s.peers.isEmpty()) {
            err.println("timeslave-plot: " + dir + ": no loopstats or peerstats lines to plot");
            return 1;
        }
        try {
            if (name.endsWith(".svg")) {
                SvgCanvas c = new SvgCanvas(WIDTH, HEIGHT);
                draw(c, s, title == null ? "timeslave: " + dir : title);
                Files.writeString(output, c.document(), StandardCharsets.UTF_8);
            } else {
                ImageCanvas c = new ImageCanvas(WIDTH, HEIGHT, PNG_SCALE);
                draw(c, s, title == null ? "timeslave: " + dir : title);
                if (!javax.imageio.ImageIO.write(c.image, "png", output.toFile())) {
                    err.println("timeslave-plot: no PNG writer in this Java runtime");
                    return 1;
                }
            }
        } catch (IOException e) {
            err.println("timeslave-plot: --output " + output + ": cannot write: " + e.getMessage());
            return 1;
        }
        if (s.badLines > 0) {
            err.println("timeslave-plot: " + s.badLines + " lines skipped (not in loopstats/peerstats format)");
        }
        return 0;
    }

    /** One panel's frame: where it is and what its axes span. */
    private record Frame(double x, double y, double w, double h, double t0, double t1, double v0, double v1) {
        double px(double t) {
            return x + (t - t0) / (t1 - t0) * w;
        }

        double py(double v) {
            return y + h - (v - v0) / (v1 - v0) * h;
        }
    }

    static void draw(Canvas c, StatsFiles s, String title) {
        c.fillRect(0, 0, WIDTH, HEIGHT, Color.WHITE);
        double t0 = Double.POSITIVE_INFINITY;
        double t1 = Double.NEGATIVE_INFINITY;
        for (StatsFiles.Loop l : s.loops) {
            t0 = Math.min(t0, l.time());
            t1 = Math.max(t1, l.time());
        }
        for (List<StatsFiles.Peer> ps : s.peers.values()) {
            for (StatsFiles.Peer p : ps) {
                t0 = Math.min(t0, p.time());
                t1 = Math.max(t1, p.time());
            }
        }
        if (t1 <= t0) {
            t1 = t0 + 60;
        }
        c.text(70, 36, title, 20, INK, -1, true);
        DateTimeFormatter d = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
        c.text(70, 58, d.format(Instant.ofEpochSecond((long) t0)) + " to " + d.format(Instant.ofEpochSecond((long) t1))
                + " UTC · " + s.loops.size() + " updates · " + s.peers.size() + " master"
                + (s.peers.size() == 1 ? "" : "s"), 13, MUTED, -1, false);
        double left = 96;
        double right = 28;
        double w = WIDTH - left - right;
        double top = 104;
        double gap = 52;
        double h = (HEIGHT - top - 50 - 2 * gap) / 3;

        // 1: offset estimate and its error bound
        int n = s.loops.size();
        double[] off = new double[n];
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            off[i] = s.loops.get(i).offset();
            if (Double.isFinite(s.loops.get(i).low()) && Math.abs(s.loops.get(i).low()) < 15.9) {
                edges.add(s.loops.get(i).low());
                edges.add(s.loops.get(i).high());
            }
        }
        double[] r = robustRange(off, edges);
        Frame f1 = new Frame(left, top, w, h, t0, t1, r[0], r[1]);
        panel(c, f1, "offset (reference − local)", r[2], r[3]);
        c.clip(f1.x, f1.y, f1.w, f1.h);
        List<double[]> band = new ArrayList<>();
        for (StatsFiles.Loop l : s.loops) {
            if (Double.isFinite(l.low()) && Math.abs(l.low()) < 15.9 && Math.abs(l.high()) < 15.9) {
                band.add(new double[] {l.time(), l.low(), l.high()});
            }
        }
        if (!band.isEmpty()) {
            double[] bx = new double[2 * band.size()];
            double[] by = new double[2 * band.size()];
            for (int i = 0; i < band.size(); i++) {
                bx[i] = f1.px(band.get(i)[0]);
                by[i] = f1.py(band.get(i)[2]);
                bx[bx.length - 1 - i] = f1.px(band.get(i)[0]);
                by[by.length - 1 - i] = f1.py(band.get(i)[1]);
            }
            c.fillPolygon(bx, by, bx.length, BAND);
        }
        c.line(f1.x, f1.py(0), f1.x + f1.w, f1.py(0), MUTED, 0.8, true);
        series(c, f1, s.loops.stream().mapToDouble(StatsFiles.Loop::time).toArray(), off, OFFSET, 1.6);
        c.unclip();
        legend(c, f1, new String[] {"offset estimate", "error bound"}, new Color[] {OFFSET, BAND});

        // 2: timetrim
        double[] freq = s.loops.stream().mapToDouble(StatsFiles.Loop::freqPpm).toArray();
        double[] fr = robustRange(freq, List.of());
        Frame f2 = new Frame(left, top + h + gap, w, h, t0, t1, fr[0], fr[1]);
        panelPpm(c, f2, "frequency correction (timetrim)");
        c.clip(f2.x, f2.y, f2.w, f2.h);
        series(c, f2, s.loops.stream().mapToDouble(StatsFiles.Loop::time).toArray(), freq, FREQ, 1.6);
        c.unclip();

        // 3: each master's offsets
        List<Double> all = new ArrayList<>();
        s.peers.values().forEach(ps -> ps.forEach(p -> all.add(p.offset())));
        double[] po = all.stream().mapToDouble(Double::doubleValue).toArray();
        double[] pr = robustRange(po, List.of());
        Frame f3 = new Frame(left, top + 2 * (h + gap), w, h, t0, t1, pr[0], pr[1]);
        panel(c, f3, "offset measured from each master", pr[2], pr[3]);
        c.clip(f3.x, f3.y, f3.w, f3.h);
        c.line(f3.x, f3.py(0), f3.x + f3.w, f3.py(0), MUTED, 0.8, true);
        int k = 0;
        List<String> names = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (Map.Entry<String, List<StatsFiles.Peer>> e : s.peers.entrySet()) {
            Color col = SOURCES[k++ % SOURCES.length];
            double[] tx = e.getValue().stream().mapToDouble(StatsFiles.Peer::time).toArray();
            double[] vy = e.getValue().stream().mapToDouble(StatsFiles.Peer::offset).toArray();
            series(c, f3, tx, vy, new Color(col.getRed(), col.getGreen(), col.getBlue(), 0x70), 0.9);
            for (int i = 0; i < tx.length; i++) {
                c.dot(f3.px(tx[i]), f3.py(vy[i]), tx.length > 600 ? 1.2 : 2.0, col);
            }
            long leftOut = e.getValue().stream().filter(p -> (p.status() >> 8) == 0x91).count();
            names.add(e.getKey() + (2 * leftOut > e.getValue().size() ? " (falseticker)" : ""));
            colors.add(col);
        }
        c.unclip();
        legend(c, f3, names.toArray(new String[0]), colors.toArray(new Color[0]));
        timeAxis(c, f3, t0, t1);
    }

    /** [low, high, unit scale, unit index] covering most values (2nd to 98th percentile) and the edges' median span. */
    static double[] robustRange(double[] values, List<Double> edges) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        double lo;
        double hi;
        if (v.length == 0) {
            lo = -1e-3;
            hi = 1e-3;
        } else {
            lo = v[(int) Math.floor(0.02 * (v.length - 1))];
            hi = v[(int) Math.ceil(0.98 * (v.length - 1))];
        }
        if (!edges.isEmpty()) {
            double[] e = edges.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            lo = Math.min(lo, e[(int) Math.floor(0.05 * (e.length - 1))]);
            hi = Math.max(hi, e[(int) Math.ceil(0.95 * (e.length - 1))]);
        }
        double span = hi - lo;
        if (span <= 0) {
            span = Math.max(Math.abs(hi), 1e-6);
        }
        lo -= 0.08 * span;
        hi += 0.08 * span;
        double mag = Math.max(Math.abs(lo), Math.abs(hi));
        double scale;
        int unit;
        if (mag >= 1) {
            scale = 1;
            unit = 0;
        } else if (mag >= 1e-3) {
            scale = 1e3;
            unit = 1;
        } else if (mag >= 1e-6) {
            scale = 1e6;
            unit = 2;
        } else {
            scale = 1e9;
            unit = 3;
        }
        return new double[] {lo, hi, scale, unit};
    }

    private static final String[] UNITS = {"s", "ms", "µs", "ns"};

    private static void frame(Canvas c, Frame f, String label) {
        c.fillRect(f.x, f.y, f.w, f.h, PANEL);
        c.text(f.x, f.y - 10, label, 14, INK, -1, true);
    }

    private static void panel(Canvas c, Frame f, String label, double scale, double unit) {
        frame(c, f, label);
        for (double v : ticks(f.v0, f.v1, 6)) {
            double y = f.py(v);
            c.line(f.x, y, f.x + f.w, y, GRID, 1, false);
            c.text(f.x - 8, y + 4, number(v * scale), 11.5, MUTED, 1, false);
        }
        c.verticalText(f.x - 66, f.y + f.h / 2, UNITS[(int) unit], 12.5, MUTED);
        timeGrid(c, f);
        c.strokeRect(f.x, f.y, f.w, f.h, GRID, 1);
    }

    private static void panelPpm(Canvas c, Frame f, String label) {
        frame(c, f, label);
        for (double v : ticks(f.v0, f.v1, 6)) {
            double y = f.py(v);
            c.line(f.x, y, f.x + f.w, y, GRID, 1, false);
            c.text(f.x - 8, y + 4, number(v), 11.5, MUTED, 1, false);
        }
        c.verticalText(f.x - 66, f.y + f.h / 2, "ppm", 12.5, MUTED);
        timeGrid(c, f);
        c.strokeRect(f.x, f.y, f.w, f.h, GRID, 1);
    }

    private static void timeGrid(Canvas c, Frame f) {
        for (double t : timeTicks(f.t0, f.t1)) {
            c.line(f.px(t), f.y, f.px(t), f.y + f.h, GRID, 1, false);
        }
    }

    private static void timeAxis(Canvas c, Frame f, double t0, double t1) {
        double span = t1 - t0;
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern(span > 3 * 86_400 ? "MM-dd" : span > 86_400
                ? "MM-dd HH:mm" : "HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
        for (double t : timeTicks(t0, t1)) {
            c.text(f.px(t), f.y + f.h + 18, fmt.format(Instant.ofEpochSecond((long) t)), 11.5, MUTED, 0, false);
        }
        c.text(f.x + f.w, f.y + f.h + 40, "time (UTC)", 12.5, MUTED, 1, false);
    }

    private static void series(Canvas c, Frame f, double[] t, double[] v, Color col, double width) {
        double[] x = new double[t.length];
        double[] y = new double[t.length];
        int n = 0;
        for (int i = 0; i < t.length; i++) {
            if (Double.isFinite(v[i])) {
                x[n] = f.px(t[i]);
                y[n] = f.py(v[i]);
                n++;
            }
        }
        if (n > 1) {
            c.polyline(x, y, n, col, width);
        } else if (n == 1) {
            c.dot(x[0], y[0], 2.5, col);
        }
    }

    private static void legend(Canvas c, Frame f, String[] names, Color[] colors) {
        double x = f.x + f.w;
        for (int i = names.length - 1; i >= 0; i--) {
            double tw = names[i].length() * 6.6 + 30;
            x -= tw;
            c.fillRect(x, f.y - 21, 16, 10, colors[i]);
            c.text(x + 21, f.y - 11, names[i], 12, INK, -1, false);
        }
    }

    /** About {@code count} round tick values between lo and hi. */
    static double[] ticks(double lo, double hi, int count) {
        double raw = (hi - lo) / count;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * Math.abs(hi); v += step) {
            t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Round UTC instants (minutes, hours or days) across [t0, t1]. */
    static double[] timeTicks(double t0, double t1) {
        double span = t1 - t0;
        long[] steps = {60, 300, 600, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 2 * 86_400,
                7 * 86_400, 14 * 86_400, 28 * 86_400};
        long step = steps[steps.length - 1];
        for (long s : steps) {
            if (span / s <= 10) {
                step = s;
                break;
            }
        }
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(t0 / step) * step; v <= t1; v += step) {
            t.add(v);
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String number(double v) {
        if (v == 0) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }
}
