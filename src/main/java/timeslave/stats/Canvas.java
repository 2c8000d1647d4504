package timeslave.stats;

import java.awt.Color;

/** The few drawing operations {@link Plot} needs, written once for SVG and once for Java2D (PNG). */
interface Canvas {
    void fillRect(double x, double y, double w, double h, Color c);

    void strokeRect(double x, double y, double w, double h, Color c, double width);

    void line(double x1, double y1, double x2, double y2, Color c, double width, boolean dashed);

    void polyline(double[] x, double[] y, int n, Color c, double width);

    void fillPolygon(double[] x, double[] y, int n, Color c);

    void dot(double x, double y, double r, Color c);

    /** @param align -1 left, 0 centre, 1 right; {@code y} is the baseline */
    void text(double x, double y, String s, double size, Color c, int align, boolean bold);

    /** Text rotated 90° anticlockwise, centred on (x, y). */
    void verticalText(double x, double y, String s, double size, Color c);

    void clip(double x, double y, double w, double h);

    void unclip();
}
