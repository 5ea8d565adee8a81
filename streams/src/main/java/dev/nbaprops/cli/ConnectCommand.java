package dev.nbaprops.cli;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.app.EmbeddedServices;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code connect}: only the warehouse sink's Connect worker (the one the embedded default runs inside the app),
 * as its own process against {@code --bootstrap-servers}, writing the DuckDB warehouse of the state directory
 * (or {@code warehouse.duckdb.path}); REST port {@code embedded.connect.port}. For a deployment that keeps the sink
 * apart from the app, and for the reliability harness, which kills it on its own. The worker comes from the embedded
 * module ({@link EmbeddedServices}), which the launcher's distribution carries. Exits with status 1 when the
 * sink task fails, so that a supervisor restarts it.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = {"Run only the warehouse sink (a Connect worker with the DuckDB sink connector) against",
        "--bootstrap-servers, until Ctrl-C."})
final class ConnectCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = common.load();
    if (cfg.embeddedKafka()) {
      throw new IllegalArgumentException("connect needs --bootstrap-servers (the cluster whose derived topics to sink)");
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (EmbeddedServices.SinkWorker connect = EmbeddedServices.load().startConnect(
        cfg.getString(AppConfig.BOOTSTRAP_SERVERS), cfg.stateDir(), cfg.getInt(AppConfig.EMBEDDED_CONNECT_PORT),
        cfg.warehousePath(), cfg.passThrough("connect."), cfg.passThrough("sink."))) {
      Thread hook = new Thread(() -> {
        stop.countDown();
        connect.close();
      }, "shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      System.out.printf("sink running into %s (Ctrl-C to stop)%n", cfg.warehousePath());
      while (!stop.await(1, TimeUnit.SECONDS)) {
        try {
          connect.assertHealthy();
        } catch (IllegalStateException e) {
          System.err.println("error: " + e.getMessage().lines().findFirst().orElse("") + "; exiting so that the"
              + " worker is restarted");
          Runtime.getRuntime().removeShutdownHook(hook);
          return 1;
        }
      }
    }
    return 0;
  }

}
