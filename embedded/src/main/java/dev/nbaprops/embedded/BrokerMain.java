package dev.nbaprops.embedded;

import java.io.IOException;

/**
 * Main class of the embedded broker's child JVM: formats the storage on the first start
 * ({@code <server.properties> --format-with-cluster-id ID}), runs {@code kafka.Kafka} and exits when the parent's pipe on
 * stdin closes, so a parent killed with -9 does not leave an orphan broker holding the ports and the log.
 * It ignores SIGINT: Ctrl-C in a terminal reaches the whole process group, and the broker must stay up until
 * the parent has closed Kafka Streams (its last exactly-once commit) and then stops it with SIGTERM.
 */
public final class BrokerMain {
  private BrokerMain() {}

  @SuppressWarnings("removal")
  public static void main(String[] args) throws Exception {
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent never writes; EOF means it is gone
        }
      } catch (IOException ignored) {
        // treated as EOF
      }
      System.exit(0); // runs kafka.Kafka's shutdown hook: a clean shutdown
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    if (args.length == 3 && args[1].equals("--format-with-cluster-id")) {
      // First start: format the storage in this JVM (a second JVM only for the format cost seconds of start-up).
      int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", args[2], "-c", args[0]}, System.out);
      if (rc != 0) {
        System.err.println("formatting the broker's storage failed (exit " + rc + ")");
        System.exit(rc);
      }
      args = new String[] {args[0]};
    }
    kafka.Kafka.main(args);
  }
}
