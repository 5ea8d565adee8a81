package dev.nbaprops.query;

import dev.nbaprops.query.Route.Access;
import dev.nbaprops.query.Route.Param;
import java.util.ArrayList;
import java.util.List;

/**
 * The endpoint table of docs/query-api.md, generated from the route table: {@code QueryApiDocsTest} fails when the
 * file's table differs from {@link #markdown()} (and rewrites it with {@code NBA_WRITE_DOCS=1}).
 */
public final class ApiDocs {
  public static final String BEGIN = "<!-- routes:begin (generated from Routes.java by ApiDocs; do not edit by hand) -->";
  public static final String END = "<!-- routes:end -->";

  private ApiDocs() {}

  public static String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| route | parameters | answer |\n|---|---|---|\n");
    for (Route r : Routes.describe()) {
      List<String> ps = new ArrayList<>();
      for (Param p : r.params()) {
        ps.add(param(p));
      }
      String access = r.access() == Access.OPEN ? " No token." : r.access() == Access.INTERNAL
          ? " Served by the peer pool." : r.access() == Access.KEY ? " Answered by the instance owning the key"
          + " (forwarded there)." : "";
      String summary = r.summary().endsWith(".") ? r.summary() : r.summary() + ".";
      b.append("| `").append(r.method()).append(' ').append(r.template()).append("` | ")
          .append(ps.isEmpty() ? "—" : String.join(", ", ps)).append(" | ")
          .append(summary.replace("|", "\\|")).append(access).append(" |\n");
    }
    return b.toString();
  }

  private static String param(Param p) {
    StringBuilder s = new StringBuilder("`").append(p.name()).append("`");
    List<String> facts = new ArrayList<>();
    if (p.in() == Route.In.QUERY && p.required()) {
      facts.add("required");
    }
    switch (p.type()) {
      case INT -> facts.add(p.min() + "–" + p.max() + (p.dflt() == null ? "" : ", default " + p.dflt()));
      case TEXT -> facts.add(p.min() + "–" + p.max() + " chars");
      case DATE -> facts.add("date");
      case BOOL -> facts.add("true/false");
      case PAGE_TOKEN -> facts.add("token");
      case PLAYER_TABLE -> facts.add("player table");
      case TEAM_TABLE -> facts.add("team-by-date table");
      case GAME_TABLE -> facts.add("game table");
      default -> { }
    }
    if (!facts.isEmpty()) {
      s.append(" (").append(String.join(", ", facts)).append(")");
    }
    return s.toString();
  }
}
