package dev.nbaprops.cli;

import dev.nbaprops.app.NbaPropsApp;
import java.util.concurrent.CountDownLatch;

/**
 * Ctrl-C (SIGINT) and SIGTERM: the hook wakes the command's main thread, which leaves its try-with-resources and
 * stops the app in order (query API, Streams with its last commit, Connect, broker); the hook then closes the
 * app itself too, which returns once the main thread's close has finished (close is synchronized and
 * idempotent), so the JVM does not exit halfway through.
 */
final class Shutdown {
  private Shutdown() {}

  static Thread hook(CountDownLatch stop, NbaPropsApp app) {
    return new Thread(() -> {
      System.err.println("stopping (Ctrl-C)...");
      stop.countDown();
      app.close();
    }, "shutdown");
  }
}
