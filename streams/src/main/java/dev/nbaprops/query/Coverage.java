package dev.nbaprops.query;

import dev.nbaprops.query.InstanceRouter.Gathered;
import dev.nbaprops.query.LocalStores.Row;
import dev.nbaprops.query.Route.Call;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /coverage?date=D}: per table, how many rows exist for D and which expected ones are missing. Expected
 * rows follow from player_game_summary on D: every player who played (player tables), every team that played
 * (team-by-date tables), every team in every game (team game tables). Reads each table's rows of D through
 * {@link StoreReader#rowsOn} (the date-index hook), a bounded page at a time.
 */
final class Coverage {
  private final InstanceRouter router;

  Coverage(InstanceRouter router) {
    this.router = router;
  }

  Answer report(Call c) {
    LocalDate d = c.get("date");
    boolean stale = c.stale();
    Gathered base = router.gatherAllOfDate(StoreCatalog.PLAYER_GAME_SUMMARY, d, stale);
    Set<String> players = new TreeSet<>();
    Set<String> teams = new TreeSet<>();
    Set<String> teamGames = new TreeSet<>();
    Set<String> games = new TreeSet<>();
    for (Row r : base.rows()) {
      players.add(r.value().path("player_id").asText());
      teams.add(r.value().path("team_abbr").asText());
      teamGames.add(r.value().path("game_id").asText() + "|" + r.value().path("team_abbr").asText());
      games.add(r.value().path("game_id").asText());
    }
    List<Map<String, Object>> tables = new ArrayList<>();
    long staleLag = base.staleLag();
    for (Entry e : StoreCatalog.ALL) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("table", e.table());
      boolean computed = router.local().computed(e.store());
      t.put("computed", computed);
      if (!computed) {
        t.put("note", "table not computed by this topology");
        tables.add(t);
        continue;
      }
      List<Row> rows;
      if (e == StoreCatalog.PLAYER_GAME_SUMMARY) {
        rows = base.rows();
      } else {
        Gathered g = router.gatherAllOfDate(e, d, stale);
        staleLag = Math.max(staleLag, g.staleLag());
        rows = g.rows();
      }
      Set<String> expected = switch (e.partitioning()) {
        case BY_PLAYER -> players;
        case BY_SEASON_OF_DATE -> teams;
        case BY_GAME -> teamGames;
      };
      Set<String> present = new TreeSet<>();
      for (Row r : rows) {
        present.add(e.partitioning() == Partitioning.BY_GAME ? r.key() : LocalStores.segment(r.key(), 0));
      }
      t.put("rows", rows.size());
      t.put("expected_rows", expected.size());
      t.put("expected", e.partitioning() == Partitioning.BY_GAME ? "game_id|team_abbr of every team that played"
          : e.partitioning() == Partitioning.BY_PLAYER ? "player_id of every player with a game"
          : "team_abbr of every team with a game");
      List<String> missing = expected.stream().filter(k -> !present.contains(k)).toList();
      List<String> unexpected = present.stream().filter(k -> !expected.contains(k)).toList();
      t.put("missing_count", missing.size());
      t.put("missing", missing);
      t.put("unexpected_count", unexpected.size());
      t.put("unexpected", unexpected);
      t.put("complete", missing.isEmpty());
      tables.add(t);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("date", d.toString());
    body.put("games", games.size());
    body.put("players_with_game", players.size());
    body.put("teams_with_game", teams.size());
    body.put("tables", tables);
    Answer a = Answer.json(body);
    if (staleLag >= 0) {
      a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag", Long.toString(staleLag));
    }
    return a;
  }
}
