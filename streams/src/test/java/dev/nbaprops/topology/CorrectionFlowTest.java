package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Corrections through the whole flow, before and after, on the real first three Denver games of 2023-24 (every
 * source of those games from the slice): a re-sent shot with changed values updates exactly the rows that
 * depend on it, and a late prop line (still before tip-off) updates the pre-game context and feature rows.
 * The corrected shot and the late line are synthetic edits of real records, named as such.
 */
class CorrectionFlowTest {
  static final Set<String> GAMES = Set.of("0022300061", "0022300078", "0022300095");
  static final String OPENER = "0022300061"; // 2023-10-24 LAL at DEN

  static List<Timeline.Data> denverGames() {
    return TestData.timeline(TestData.slice(), List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES,
        SourceKind.BOX_SCORES, SourceKind.SHOTS), List.of("2023-24")).stream()
        .filter(d -> GAMES.contains(d.gameId())).toList();
  }

  static Map<String, Map<String, SpecificRecord>> snapshot(TopologyHarness h) {
    Map<String, Map<String, SpecificRecord>> out = new HashMap<>();
    h.tables().forEach((t, rows) -> out.put(t, Map.copyOf(rows)));
    return out;
  }

  static Set<String> changed(Map<String, Map<String, SpecificRecord>> before, TopologyHarness h) {
    Set<String> out = new java.util.TreeSet<>();
    h.tables().forEach((t, rows) -> rows.forEach((k, v) -> {
      if (!v.equals(before.get(t).get(k))) {
        out.add(t + " " + k);
      }
    }));
    return out;
  }

  @Test
  void aCorrectedShotUpdatesExactlyTheRowsThatDependOnIt() {
    List<Timeline.Data> games = denverGames();
    assertThat(games.stream().map(Timeline.Data::gameId).distinct()).hasSize(3);
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(games);
      Map<String, Map<String, SpecificRecord>> before = snapshot(h);
      // The real first shot of the opener: Anthony Davis (203076, LAL), a made dunk in the Restricted Area.
      Timeline.Data first = games.stream().filter(d -> d.value() instanceof Shot s && s.getGameId().equals(OPENER)
          && s.getPlayerId() == 203076L && s.getSeq() == 0).findFirst().orElseThrow();
      Shot real = (Shot) first.value();
      assertThat(real.getZoneBasic()).isEqualTo("Restricted Area");
      assertThat(real.getShotMade()).isTrue();
      PlayerGameSummary davis = h.summaries().get(OPENER + "|203076");
      TeamDefenseZoneAnalysis denDefense = h.<TeamDefenseZoneAnalysis>table(
          "nba_precompute.team_defense_zone_analysis").get("DEN|2023-10-27");
      assertThat(denDefense.getGamesInWindow()).isEqualTo(1);

      // SYNTHETIC correction: the league re-classifies it as a missed mid-range jumper.
      Shot corrected = Shot.newBuilder(real).setZoneBasic("Mid-Range").setShotMade(false).build();
      h.pipeRaw(first.key(), corrected, GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 21)));

      PlayerGameSummary after = h.summaries().get(OPENER + "|203076");
      assertThat(after.getPaintFga()).isEqualTo(davis.getPaintFga() - 1);
      assertThat(after.getPaintFgm()).isEqualTo(davis.getPaintFgm() - 1);
      assertThat(after.getMidRangeFga()).isEqualTo(davis.getMidRangeFga() + 1);
      assertThat(after.getMidRangeFgm()).isEqualTo(davis.getMidRangeFgm());
      assertThat(after.getShotAttempts()).isEqualTo(davis.getShotAttempts());
      TeamDefenseZoneAnalysis denAfter = h.<TeamDefenseZoneAnalysis>table(
          "nba_precompute.team_defense_zone_analysis").get("DEN|2023-10-27");
      assertThat(denAfter.getOppPaintFgPctLast15()).isLessThan(denDefense.getOppPaintFgPctLast15());
      assertThat(denAfter.getOppMidRangeFgPctLast15()).isLessThan(denDefense.getOppMidRangeFgPctLast15());

      Set<String> changed = changed(before, h);
      // Only rows that depend on the opener's LAL shots: Davis's summary, his later zone rows (LAL's later games
      // are not in this set), Denver's defense after the opener, the league figures every later row reads,
      // and the feature/composite rows that join those. Nothing dated on the opener itself.
      assertThat(changed).contains("nba_analytics.player_game_summary " + OPENER + "|203076",
          "nba_precompute.team_defense_zone_analysis DEN|2023-10-27");
      assertThat(changed).noneMatch(k -> k.endsWith("2023-10-24"));
      assertThat(changed).noneMatch(k -> k.startsWith("nba_analytics.player_game_summary") && !k.endsWith("|203076"));
      assertThat(changed).noneMatch(k -> k.startsWith("nba_analytics.team_offense") || k.startsWith("nba_analytics.team_defense_game"));
      assertThat(changed).noneMatch(k -> k.startsWith("nba_precompute.player_daily_cache"));
      // Re-sending the corrected shot again changes nothing.
      Map<String, Map<String, SpecificRecord>> afterCorrection = snapshot(h);
      h.pipeRaw(first.key(), corrected, GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 22)));
      assertThat(changed(afterCorrection, h)).isEmpty();
    }
  }

  @Test
  void aLatePropLineBeforeTipOffUpdatesTheContextAndTheFeatureRow() {
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(denverGames());
      String key = "0022300078|203999"; // Jokic, 2023-10-27 DEN at MEM, expected from the opener
      UpcomingPlayerGameContext ctx = h.<UpcomingPlayerGameContext>table(
          "nba_analytics.upcoming_player_game_context").get(key);
      assertThat(ctx.getDaysRest()).isEqualTo(2);
      assertThat(ctx.getConsensusLine()).as("no prop lines piped").isNull();
      MlFeatureStore features = h.<MlFeatureStore>table("nba_precompute.ml_feature_store").get("203999|2023-10-27");
      assertThat(features.getHasPropLine()).isFalse();

      // SYNTHETIC late lines for the real game, both before its start (listed tip-off + 15 min); then one after it.
      h.pipe(line("DraftKings", "2023-10-27T21:00:00Z", 47.5), 0);
      h.pipe(line("FanDuel", "2023-10-27T22:30:00Z", 48.5), 0);
      h.pipe(line("FanDuel", "2023-10-28T00:30:00Z", 60.5), 0);
      UpcomingPlayerGameContext after = h.<UpcomingPlayerGameContext>table(
          "nba_analytics.upcoming_player_game_context").get(key);
      assertThat(after.getConsensusLine()).isEqualTo(48.0);
      assertThat(after.getOpeningLine()).isEqualTo(47.5);
      assertThat(after.getLineMovement()).isEqualTo(0.5);
      assertThat(after.getBookmakerCount()).isEqualTo(2);
      assertThat(after.getLineSource()).isEqualTo("ODDS_API");
      MlFeatureStore f = h.<MlFeatureStore>table("nba_precompute.ml_feature_store").get("203999|2023-10-27");
      assertThat(f.getPropLine()).isEqualTo(48.0);
      assertThat(f.getPropBookmakerCount()).isEqualTo(2);
      assertThat(f.getPraAvgLast10MinusLine()).isEqualTo(f.getPraAvgLast10() - 48.0);
      assertThat(h.summaries().get(key).getPraLine()).isEqualTo(48.0);
    }
  }

  /**
   * Shots after their box scores (the real shots of 2023-10-27 DEN at MEM, 0022300078) mark the summaries, and the
   * punctuation forwards each player's summary once with all his zones; a (SYNTHETIC) pre-tip line arriving in
   * the middle of the shots, before the punctuation, is kept: the forwarded row has both.
   */
  @Test
  void shotsAfterTheBoxScoreUpdateEachSummaryOnceWithALineInBetween() {
    String game = "0022300078";
    List<Timeline.Data> all = denverGames();
    List<Timeline.Data> shots = all.stream().filter(d -> d.value() instanceof Shot s && s.getGameId().equals(game))
        .toList();
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(all.stream().filter(d -> !shots.contains(d)).toList());
      PlayerGameSummary jokic = h.summaries().get(game + "|203999");
      assertThat(jokic.getShotAttempts()).as("no shots of the game piped yet").isNull();
      long before = h.emits("nba_analytics.player_game_summary");

      List<Object[]> records = new java.util.ArrayList<>();
      shots.forEach(d -> records.add(new Object[] {d.key(), d.value(), d.eventTime()}));
      records.add(shots.size() / 2, new Object[] {"203999", line("DraftKings", "2023-10-27T21:00:00Z", 47.5), 0L});
      h.pipeRaw(records.stream().map(r -> (dev.nbaprops.source.Parsed.Ok<?>) new dev.nbaprops.source.Parsed.Ok<>(
          (String) r[0], r[1], (Long) r[2])).toList());

      Set<Long> shooters = shots.stream().map(d -> ((Shot) d.value()).getPlayerId())
          .filter(p -> h.summaries().containsKey(game + "|" + p)).collect(Collectors.toSet());
      assertThat(shooters).hasSizeGreaterThan(15);
      assertThat(shots).hasSizeGreaterThan(150);
      // One forward per shooter from the shot stage, plus Jokic's from the line: not one per shot.
      assertThat(h.emits("nba_analytics.player_game_summary") - before).isEqualTo(shooters.size() + 1);
      PlayerGameSummary after = h.summaries().get(game + "|203999");
      List<Shot> his = shots.stream().map(d -> (Shot) d.value()).filter(s -> s.getPlayerId() == 203999L).toList();
      assertThat(after.getShotAttempts()).isEqualTo(his.size());
      assertThat(after.getThreeFga()).isEqualTo((int) his.stream()
          .filter(s -> dev.nbaprops.features.ShotZones.zoneOf(s.getZoneBasic()).equals(dev.nbaprops.features.ShotZones.THREE)).count());
      assertThat(after.getPaintFgm()).isEqualTo((int) his.stream().filter(Shot::getShotMade)
          .filter(s -> dev.nbaprops.features.ShotZones.zoneOf(s.getZoneBasic()).equals(dev.nbaprops.features.ShotZones.PAINT)).count());
      assertThat(after.getPraLine()).isEqualTo(47.5);
    }
  }

  static PropLine line(String book, String ts, double line) {
    return TestData.syntheticPraLine("0022300078", LocalDate.of(2023, 10, 27), "Memphis Grizzlies",
        "Denver Nuggets", "Nikola Jokic", 203999L, book, ts, line);
  }
}
