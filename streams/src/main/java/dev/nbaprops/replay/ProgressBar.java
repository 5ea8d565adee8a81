package dev.nbaprops.replay;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of long work: a redrawn bar with rate and ETA on a terminal; on a pipe or a CI log, one plain line
 * every {@code logEvery} instead (so logs stay readable).
 */
public final class ProgressBar {
  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final long logEveryNanos;
  private long lastDraw;
  private long done;

  public ProgressBar(PrintStream out, String label, long total, boolean terminal, Duration logEvery) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.terminal = terminal;
    this.logEveryNanos = logEvery.toNanos();
    this.lastDraw = startNanos; // first line after one interval, not on the first (unrepresentative) record
  }

  public static ProgressBar forConsole(String label, long total) {
    return new ProgressBar(System.out, label, total, System.console() != null, Duration.ofSeconds(10));
  }

  public void step(long n) {
    done += n;
    long now = System.nanoTime();
    if (now - lastDraw >= (terminal ? 100_000_000L : logEveryNanos)) {
      lastDraw = now;
      draw(false);
    }
  }

  public void finish() {
    draw(true);
  }

  String line() {
    double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    double rate = done / secs;
    double frac = total <= 0 ? 1 : Math.min(1, (double) done / total);
    String eta = rate > 0 && total > done ? format(Duration.ofSeconds((long) ((total - done) / rate))) : "0s";
    int width = 30;
    int filled = (int) Math.round(frac * width);
    return String.format("%s [%s%s] %5.1f%% %,d/%,d  %,.0f rec/s  ETA %s", label, "#".repeat(filled),
        " ".repeat(width - filled), frac * 100, done, total, rate, eta);
  }

  private void draw(boolean last) {
    if (terminal) {
      out.print("\r" + line() + (last ? "\n" : ""));
    } else {
      out.println(line());
    }
    out.flush();
  }

  static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
