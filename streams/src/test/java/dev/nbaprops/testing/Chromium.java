package dev.nbaprops.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium for page tests: a fresh profile per run, no network beyond what the page asks for,
 * {@code --virtual-time-budget} so the page's fetches and rendering finish before the DOM dump or screenshot.
 */
public final class Chromium {
  private Chromium() {}

  /** /usr/bin/chromium (Debian's package; .ci/run installs it), or CHROMIUM_BIN. */
  public static Optional<Path> binary() {
    String env = System.getenv("CHROMIUM_BIN");
    Path p = Path.of(env != null ? env : "/usr/bin/chromium");
    return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  /** The DOM after the page ran its scripts. */
  public static String dumpDom(String url, Path work) throws IOException, InterruptedException {
    Path out = work.resolve("dom.html");
    run(work, List.of("--dump-dom", url), out);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  public static Path screenshot(String url, Path work, int width, int height) throws IOException, InterruptedException {
    Path png = work.resolve("page.png");
    run(work, List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", url),
        work.resolve("screenshot.log"));
    return png;
  }

  private static void run(Path work, List<String> extra, Path stdout) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(work, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(binary().orElseThrow().toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
        "--virtual-time-budget=20000"));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
        .redirectError(work.resolve("chromium-" + System.nanoTime() + ".err").toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 90 s: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("chromium exited " + p.exitValue() + ": " + cmd);
    }
  }
}
