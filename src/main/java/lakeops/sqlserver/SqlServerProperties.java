package lakeops.sqlserver;

/** Names and defaults of the SQL endpoint. */
public final class SqlServerProperties {

  private SqlServerProperties() {}

  /** Address the endpoint binds when none is given: loopback only. */
  public static final String HOST_DEFAULT = "127.0.0.1";

  /** Port the endpoint listens on when none is given (Spark Connect's own default). */
  public static final int PORT_DEFAULT = 15002;

  /** Environment variable read for the token when no other source is named; never logged. */
  public static final String TOKEN_ENV_DEFAULT = "LAKEOPS_SQL_TOKEN";

  /**
   * Environment variable the notebooks read the endpoint's address from (a Spark Connect URL,
   * default {@value #REMOTE_DEFAULT}).
   */
  public static final String REMOTE_ENV = "LAKEOPS_SQL_REMOTE";

  /** The endpoint's address when {@value #REMOTE_ENV} is not set. */
  public static final String REMOTE_DEFAULT = "sc://127.0.0.1:15002";

  /** How long a clean stop waits for the queries in flight to finish, in seconds. */
  public static final long STOP_TIMEOUT_SECONDS_DEFAULT = 30;
}
