package dev.nbaprops.cli;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.warehouse.TrainingSetExport;
import dev.nbaprops.warehouse.WarehouseExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code export}: a warehouse table, or a training table for (player_id, date) pairs, to CSV or Parquet. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a warehouse table to CSV (header row of field names) or Parquet, ordered by its key; or,"
        + " with --training-set, the training table of (player_id, date) pairs: every ml_feature_store column of"
        + " (player, date) and the label pra, pra_line, pra_result (the same table as POST /training-set).")
final class ExportCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  static final class What {
    @Option(names = "--table", required = true, description = "e.g. nba_precompute.player_daily_cache")
    String table;

    @Option(names = "--training-set", required = true, description = "CSV of pairs with the header player_id,date"
        + " (at most 100,000).")
    Path trainingSet;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

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
    if (what.trainingSet != null) {
      long rows = TrainingSetExport.export(cfg.warehousePath(), what.trainingSet, f, out);
      System.out.printf("wrote %,d training rows (one per pair of %s) to %s%n", rows, what.trainingSet,
          out.toAbsolutePath());
      return 0;
    }
    long rows = WarehouseExport.export(cfg.warehousePath(), what.table, f, out);
    System.out.printf("wrote %,d rows of %s to %s%n", rows, what.table, out.toAbsolutePath());
    return 0;
  }
}
