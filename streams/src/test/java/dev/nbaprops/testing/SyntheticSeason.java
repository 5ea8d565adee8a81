package dev.nbaprops.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A <b>SYNTHETIC</b> future season, 2031-32, in the shared data layout: the real rows of 2023-24 of a data
 * directory (the bundled slice) with the season label {@code 2023-24 → 2031-32}, game ids {@code 00223… → 00231…}
 * (same type digit and game number) and every date and tip-off moved 8 years later (2023-10-24 → 2031-10-24).
 * Players, teams and stats are the real ones; only the season is invented. No setting names 2031-32, so a replay
 * of it exercises the season start derived from the data.
 */
public final class SyntheticSeason {
  public static final String SEASON = "2031-32";
  public static final LocalDate OPENER = LocalDate.of(2031, 10, 24);
  private static final String REAL = "2023-24";
  private static final int YEARS = 8;

  private SyntheticSeason() {}

  /** The synthetic season's game id of a real 2023-24 game id ({@code 0022300061 → 0023100061}). */
  public static String gameId(String real) {
    return real.startsWith("00223") || real.startsWith("00423") ? real.substring(0, 3) + "31" + real.substring(5) : real;
  }

  /**
   * Writes the synthetic season from {@code real} (its 2023-24 rows of schedule, box scores and game lines, and shots
   * when {@code withShots}) into {@code dir}, which then has the layout of ../shared/data/nba.
   */
  public static Path write(Path real, Path dir, boolean withShots) {
    try {
      convert(real.resolve("schedule/games_2021-22_to_2023-24.csv.gz"), dir.resolve("schedule/games_2031-32_to_2031-32.csv.gz"));
      convert(real.resolve("box_scores/player_box_2023-24.csv.gz"), dir.resolve("box_scores/player_box_2031-32.csv.gz"));
      convert(real.resolve("odds/game_lines_2021-22_to_2023-24.csv.gz"), dir.resolve("odds/game_lines_2031-32_to_2031-32.csv.gz"));
      if (withShots) {
        convert(real.resolve("shots/shots_2023-24_regular.csv.gz"), dir.resolve("shots/shots_2031-32_regular.csv.gz"));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of 2023-24 of one gzip CSV (no quoted fields), moved to 2031-32. */
  private static void convert(Path in, Path out) throws IOException {
    Files.createDirectories(out.getParent());
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(in)),
        StandardCharsets.UTF_8));
         Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(out)), StandardCharsets.UTF_8)) {
      String header = r.readLine();
      w.write(header + "\n");
      List<String> cols = List.of(header.split(",", -1));
      int season = cols.indexOf("season");
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",", -1);
        if (!REAL.equals(f[season])) {
          continue;
        }
        List<String> o = new ArrayList<>(List.of(f));
        for (int i = 0; i < cols.size(); i++) {
          String c = cols.get(i);
          String v = o.get(i);
          if (v.isEmpty()) {
            continue;
          }
          switch (c) {
            case "season" -> o.set(i, SEASON);
            case "game_id", "nba_game_id" -> o.set(i, gameId(v));
            case "game_date" -> o.set(i, LocalDate.parse(v).plusYears(YEARS).toString());
            case "tipoff_utc" -> o.set(i, Instant.parse(v).atZone(ZoneOffset.UTC).plusYears(YEARS).toInstant().toString());
            default -> { }
          }
        }
        w.write(String.join(",", o) + "\n");
      }
    }
  }

  /** The setting that names the synthetic season (for the configured side of a comparison). */
  public static Map<String, LocalDate> setting() {
    return Map.of(SEASON, OPENER);
  }
}
