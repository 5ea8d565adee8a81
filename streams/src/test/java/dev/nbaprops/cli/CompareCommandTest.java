package dev.nbaprops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompareCommandTest {
  @TempDir
  Path tmp;

  private CompareCommand.Result compare(String a, String b) throws Exception {
    Files.writeString(tmp.resolve("a.csv"), a);
    Files.writeString(tmp.resolve("b.csv"), b);
    return CompareCommand.compare("t", tmp.resolve("a.csv"), tmp.resolve("b.csv"), 1e-9);
  }

  @Test
  void identicalTablesAreEqualWithEveryCellIdentical() throws Exception {
    CompareCommand.Result r = compare("id,name,x\n1,\"Portis, Bobby\",0.5\n2,b,1\n", "id,name,x\n1,\"Portis, Bobby\",0.5\n2,b,1\n");
    assertThat(r.equal()).isTrue();
    assertThat(r.rows()).isEqualTo(2);
    assertThat(r.toleratedCells()).isZero();
    assertThat(r.line()).contains("every cell identical");
  }

  @Test
  void sumsInAnotherOrderAreEqualWithinTheTolerance() throws Exception {
    // the values the cluster test met: the same minutes summed in another order
    CompareCommand.Result r = compare("id,min\n1,48.00000000000001\n2,105.16\n", "id,min\n1,48.000000000000014\n2,105.15999999999997\n");
    assertThat(r.equal()).isTrue();
    assertThat(r.exactRows()).isZero();
    assertThat(r.toleratedCells()).isEqualTo(2);
    assertThat(r.maxRelative()).isLessThan(1e-14).isGreaterThan(0);
  }

  @Test
  void aRealDifferenceATextDifferenceAndAMissingRowAreDifferent() throws Exception {
    assertThat(compare("id,x\n1,0.5\n", "id,x\n1,0.50001\n").differences()).containsExactly("row 1 (1) x: 0.5 vs 0.50001");
    assertThat(compare("id,x\n1,a\n", "id,x\n1,b\n").equal()).isFalse();
    assertThat(compare("id,x\n1,\n", "id,x\n1,0\n").equal()).isFalse();
    assertThat(compare("id,x\n1,1\n2,2\n", "id,x\n1,1\n").differences()).containsExactly("row counts differ: 2 vs 1");
    assertThat(compare("id,x\n1,1\n", "id,y\n1,1\n").equal()).isFalse();
  }

  @Test
  void theCommandExitsNonZeroWhenATableDiffersOrIsMissing() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("ref"));
    Path b = Files.createDirectories(tmp.resolve("got"));
    Files.writeString(a.resolve("s.t1.csv"), "k,v\n1,2\n");
    Files.writeString(b.resolve("s.t1.csv"), "k,v\n1,2\n");
    assertThat(new CommandLine(new CompareCommand()).execute(a.toString(), b.toString(), "--tables", "s.t1")).isZero();
    assertThat(new CommandLine(new CompareCommand()).execute(a.toString(), b.toString(), "--tables", "s.t1,s.t2")).isEqualTo(1);
    Files.writeString(b.resolve("s.t1.csv"), "k,v\n1,3\n");
    assertThat(new CommandLine(new CompareCommand()).execute(a.toString(), b.toString(), "--tables", "s.t1")).isEqualTo(1);
  }
}
