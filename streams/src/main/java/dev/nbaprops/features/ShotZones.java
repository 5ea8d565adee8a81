package dev.nbaprops.features;

import dev.nbaprops.avro.state.PlayerGameZones;
import java.util.List;

/**
 * The three shot zones of docs/contract.md, from a shot's {@code zone_basic}: paint = Restricted Area + In The Paint
 * (Non-RA); mid_range = Mid-Range; three = Left Corner 3 + Right Corner 3 + Above the Break 3 + Backcourt.
 * Zone sums over a window are kept as {@link Counts}; rates and percentages are ratios of those sums.
 */
public final class ShotZones {
  public static final String PAINT = "paint";
  public static final String MID_RANGE = "mid_range";
  public static final String THREE = "three";
  public static final List<String> ZONES = List.of(PAINT, MID_RANGE, THREE);

  private ShotZones() {}

  /** The zone of a {@code zone_basic} value; "other" for a value outside the contract's list. */
  public static String zoneOf(String zoneBasic) {
    return switch (zoneBasic) {
      case "Restricted Area", "In The Paint (Non-RA)" -> PAINT;
      case "Mid-Range" -> MID_RANGE;
      case "Left Corner 3", "Right Corner 3", "Above the Break 3", "Backcourt" -> THREE;
      default -> "other";
    };
  }

  /** Zone attempt and make sums (index 0 paint, 1 mid_range, 2 three) and all attempts. */
  public static final class Counts {
    public final int[] fga = new int[3];
    public final int[] fgm = new int[3];
    public int shots;
    public int games;

    public Counts add(PlayerGameZones z) {
      fga[0] += z.getPaintFga();
      fgm[0] += z.getPaintFgm();
      fga[1] += z.getMidRangeFga();
      fgm[1] += z.getMidRangeFgm();
      fga[2] += z.getThreeFga();
      fgm[2] += z.getThreeFgm();
      shots += z.getShotAttempts();
      games++;
      return this;
    }

    public Counts add(Counts o) {
      for (int i = 0; i < 3; i++) {
        fga[i] += o.fga[i];
        fgm[i] += o.fgm[i];
      }
      shots += o.shots;
      games += o.games;
      return this;
    }

    /** zone FGA / all FGA; null without shots. */
    public Double rate(int zone) {
      return shots == 0 ? null : (double) fga[zone] / shots;
    }

    /** zone FGM / zone FGA; null when the zone has no attempts. */
    public Double pct(int zone) {
      return fga[zone] == 0 ? null : (double) fgm[zone] / fga[zone];
    }

    /** zone FGA per game with shot data; null without such games. */
    public Double perGame(int zone) {
      return games == 0 ? null : (double) fga[zone] / games;
    }

    /** The zone with the most field-goal points (2 per paint/mid-range make, 3 per three); null without makes. */
    public String primaryScoringZone() {
      int[] points = {2 * fgm[0], 2 * fgm[1], 3 * fgm[2]};
      int best = -1;
      for (int i = 0; i < 3; i++) {
        if (points[i] > 0 && (best < 0 || points[i] > points[best])) {
          best = i;
        }
      }
      return best < 0 ? null : ZONES.get(best);
    }
  }

  /** Zone counts with nothing in them yet. */
  public static PlayerGameZones empty(String gameId, long playerId, long teamId, java.time.LocalDate date,
                                      String season) {
    return PlayerGameZones.newBuilder().setGameId(gameId).setPlayerId(playerId).setTeamId(teamId)
        .setGameDate(date).setSeason(season).setShotAttempts(0).setPaintFga(0).setPaintFgm(0)
        .setMidRangeFga(0).setMidRangeFgm(0).setThreeFga(0).setThreeFgm(0).build();
  }

  /** Adds ({@code sign = 1}) or removes ({@code -1}) one shot of {@code zone} to the counts. */
  /** A copy of {@code total} with every count of {@code z} added ({@code sign} +1) or taken out (-1). */
  public static PlayerGameZones plus(PlayerGameZones total, PlayerGameZones z, int sign) {
    return PlayerGameZones.newBuilder(total).setShotAttempts(total.getShotAttempts() + sign * z.getShotAttempts())
        .setPaintFga(total.getPaintFga() + sign * z.getPaintFga())
        .setPaintFgm(total.getPaintFgm() + sign * z.getPaintFgm())
        .setMidRangeFga(total.getMidRangeFga() + sign * z.getMidRangeFga())
        .setMidRangeFgm(total.getMidRangeFgm() + sign * z.getMidRangeFgm())
        .setThreeFga(total.getThreeFga() + sign * z.getThreeFga())
        .setThreeFgm(total.getThreeFgm() + sign * z.getThreeFgm()).build();
  }

  public static void apply(PlayerGameZones z, String zone, boolean made, int sign) {
    z.setShotAttempts(z.getShotAttempts() + sign);
    int m = made ? sign : 0;
    switch (zone) {
      case PAINT -> {
        z.setPaintFga(z.getPaintFga() + sign);
        z.setPaintFgm(z.getPaintFgm() + m);
      }
      case MID_RANGE -> {
        z.setMidRangeFga(z.getMidRangeFga() + sign);
        z.setMidRangeFgm(z.getMidRangeFgm() + m);
      }
      case THREE -> {
        z.setThreeFga(z.getThreeFga() + sign);
        z.setThreeFgm(z.getThreeFgm() + m);
      }
      default -> { }
    }
  }

  /** a - b, null when either is null. */
  public static Double diff(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }
}
