package lakeops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    assertThat(
            SqlStatements.split(
                "CREATE TABLE t (s STRING); -- a comment; still comment\n"
                    + "INSERT INTO t VALUES ('a;b'), (\"c;d\"); /* x; y */ SELECT `we;ird` FROM t;  ;"))
        .containsExactly(
            "CREATE TABLE t (s STRING)",
            "INSERT INTO t VALUES ('a;b'), (\"c;d\")",
            "SELECT `we;ird` FROM t");
  }

  @Test
  void keepsEscapedQuotes() {
    assertThat(SqlStatements.split("SELECT 'it\\'s; fine'; SELECT 2"))
        .containsExactly("SELECT 'it\\'s; fine'", "SELECT 2");
  }
}
