package timeslave.stats;

import java.awt.Color;
import java.util.Locale;

/** {@link Canvas} as a plain SVG 1.1 document. */
final class SvgCanvas implements Canvas {
    private final StringBuilder b = new StringBuilder();
    private int clips;
    private boolean clipped;

    SvgCanvas(int width, int height) {
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">%n",
                        width, height, width, height));
    }

    private static String col(Color c) {
        String rgb = String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
        return c.getAlpha() == 255 ? "\"" + rgb + "\"" : "\"" + rgb + "\" fill-opacity=\""
                + f(c.getAlpha() / 255.0) + "\" stroke-opacity=\"" + f(c.getAlpha() / 255.0) + "\"";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    @Override
    public void fillRect(double x, double y, double w, double h, Color c) {
        b.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(w))
                .append("\" height=\"").append(f(h)).append("\" fill=").append(col(c)).append("/>\n");
    }

    @Override
    public void strokeRect(double x, double y, double w, double h, Color c, double width) {
        b.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(w))
                .append("\" height=\"").append(f(h)).append("\" fill=\"none\" stroke=").append(col(c))
                .append(" stroke-width=\"").append(f(width)).append("\"/>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Color c, double width, boolean dashed) {
        b.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
                .append("\" y2=\"").append(f(y2)).append("\" stroke=").append(col(c)).append(" stroke-width=\"")
                .append(f(width)).append('"').append(dashed ? " stroke-dasharray=\"4 3\"" : "").append("/>\n");
    }

    private void points(double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(f(x[i])).append(',').append(f(y[i]));
        }
    }

    @Override
    public void polyline(double[] x, double[] y, int n, Color c, double width) {
        b.append("<polyline fill=\"none\" stroke-linejoin=\"round\" stroke=").append(col(c)).append(" stroke-width=\"")
                .append(f(width)).append("\" points=\"");
        points(x, y, n);
        b.append("\"/>\n");
    }

    @Override
    public void fillPolygon(double[] x, double[] y, int n, Color c) {
        b.append("<polygon stroke=\"none\" fill=").append(col(c)).append(" points=\"");
        points(x, y, n);
        b.append("\"/>\n");
    }

    @Override
    public void dot(double x, double y, double r, Color c) {
        b.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"").append(f(r))
                .append("\" fill=").append(col(c)).append("/>\n");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void text(double x, double y, String s, double size, Color c, int align, boolean bold) {
        b.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" font-size=\"").append(f(size))
                .append("\" fill=").append(col(c)).append(" text-anchor=\"")
                .append(align < 0 ? "start" : align == 0 ? "middle" : "end").append('"')
                .append(bold ? " font-weight=\"bold\"" : "").append('>').append(esc(s)).append("</text>\n");
    }

    @Override
    public void verticalText(double x, double y, String s, double size, Color c) {
        b.append("<text transform=\"translate(").append(f(x)).append(',').append(f(y)).append(") rotate(-90)\" font-size=\"")
                .append(f(size)).append("\" fill=").append(col(c)).append(" text-anchor=\"middle\">").append(esc(s))
                .append("</text>\n");
    }

    @Override
    public void clip(double x, double y, double w, double h) {
        clips++;
        b.append("<clipPath id=\"c").append(clips).append("\"><rect x=\"").append(f(x)).append("\" y=\"").append(f(y))
                .append("\" width=\"").append(f(w)).append("\" height=\"").append(f(h)).append("\"/></clipPath>\n")
                .append("<g clip-path=\"url(#c").append(clips).append(")\">\n");
        clipped = true;
    }

    @Override
    public void unclip() {
        if (clipped) {
            b.append("</g>\n");
            clipped = false;
        }
    }

    String document() {
        unclip();
        return b + "</svg>\n";
    }
}
