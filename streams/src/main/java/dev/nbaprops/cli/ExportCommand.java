package dev.nbaprops.cli;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.warehouse.WarehouseExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code export}: a warehouse table to CSV (with a header row) or Parquet. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a warehouse table to CSV (header row of field names) or Parquet, ordered by its key.")
final class ExportCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Option(names = "--table", required = true, description = "e.g. nba_precompute.player_daily_cache")
  String table;

  @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", required = true, description = "Output file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = common.load();
    WarehouseExport.Format f = switch (format.toLowerCase()) {
      case "csv" -> WarehouseExport.Format.CSV;
      case "parquet" -> WarehouseExport.Format.PARQUET;
      default -> throw new IllegalArgumentException("--format must be csv or parquet, got " + format);
    };
    long rows = WarehouseExport.export(cfg.warehousePath(), table, f, out);
    System.out.printf("wrote %,d rows of %s to %s%n", rows, table, out.toAbsolutePath());
    return 0;
  }
}
