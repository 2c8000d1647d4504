package timeslave.stats;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** {@link Canvas} on a Java2D image (written as PNG by javax.imageio), antialiased, at {@code scale}× for sharpness. */
final class ImageCanvas implements Canvas {
    final BufferedImage image;
    private final Graphics2D g;

    ImageCanvas(int width, int height, double scale) {
        image = new BufferedImage((int) Math.round(width * scale), (int) Math.round(height * scale),
                BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.scale(scale, scale);
    }

    private Font font(double size, boolean bold) {
        return new Font("DejaVu Sans", bold ? Font.BOLD : Font.PLAIN, 12).deriveFont((float) size);
    }

    @Override
    public void fillRect(double x, double y, double w, double h, Color c) {
        g.setColor(c);
        g.fill(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void strokeRect(double x, double y, double w, double h, Color c, double width) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) width));
        g.draw(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Color c, double width, boolean dashed) {
        g.setColor(c);
        g.setStroke(dashed ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1,
                new float[] {4, 3}, 0) : new BasicStroke((float) width));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    private static Path2D.Double path(double[] x, double[] y, int n) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                p.moveTo(x[i], y[i]);
            } else {
                p.lineTo(x[i], y[i]);
            }
        }
        return p;
    }

    @Override
    public void polyline(double[] x, double[] y, int n, Color c, double width) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path(x, y, n));
    }

    @Override
    public void fillPolygon(double[] x, double[] y, int n, Color c) {
        g.setColor(c);
        Path2D.Double p = path(x, y, n);
        p.closePath();
        g.fill(p);
    }

    @Override
    public void dot(double x, double y, double r, Color c) {
        g.setColor(c);
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    @Override
    public void text(double x, double y, String s, double size, Color c, int align, boolean bold) {
        g.setColor(c);
        g.setFont(font(size, bold));
        double w = g.getFontMetrics().getStringBounds(s, g).getWidth();
        g.drawString(s, (float) (x - (align < 0 ? 0 : align == 0 ? w / 2 : w)), (float) y);
    }

    @Override
    public void verticalText(double x, double y, String s, double size, Color c) {
        AffineTransform t = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        text(0, 0, s, size, c, 0, false);
        g.setTransform(t);
    }

    @Override
    public void clip(double x, double y, double w, double h) {
        g.setClip(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void unclip() {
        g.setClip(null);
    }
}
