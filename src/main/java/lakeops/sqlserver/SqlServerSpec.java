package lakeops.sqlserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the SQL endpoint serves on: the address it binds, its port and, optionally, the token every
 * client must present (Spark Connect's own pre-shared-key authentication: {@code Authorization:
 * Bearer <token>}). The token is never shown: {@link #toString()} says only where it came from.
 *
 * <pre>
 * {@code SqlServerSpec.builder().port(15002).tokenFromEnvironment("LAKEOPS_SQL_TOKEN").build()}
 * </pre>
 */
public final class SqlServerSpec {

  private final String host;
  private final int port;
  private final String token;
  private final String tokenSource;

  private SqlServerSpec(Builder builder) {
    this.host = builder.host;
    this.port = builder.port;
    this.token = builder.token;
    this.tokenSource = builder.tokenSource;
  }

  /** A spec with the defaults of {@link SqlServerProperties}: loopback, port 15002, no token. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address bound ({@value SqlServerProperties#HOST_DEFAULT} unless told otherwise). */
  public String host() {
    return host;
  }

  /** The port asked for (0: a free one; the running server tells which). */
  public int port() {
    return port;
  }

  /** Whether clients must present the token. */
  public boolean requiresToken() {
    return token != null;
  }

  /** The token itself, for the server only. */
  String token() {
    return token;
  }

  @Override
  public String toString() {
    return "SqlServerSpec{host="
        + host
        + ", port="
        + port
        + ", token="
        + (token == null ? "none" : "from " + tokenSource)
        + "}";
  }

  /** Builds a {@link SqlServerSpec}; validated by {@link #build()}. */
  public static final class Builder {
    private String host = SqlServerProperties.HOST_DEFAULT;
    private int port = SqlServerProperties.PORT_DEFAULT;
    private String token;
    private String tokenSource;

    private Builder() {}

    /** Binds {@code host} (an address or name; {@code 0.0.0.0} for every interface). */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Listens on {@code port} (0: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Requires {@code token}. */
    public Builder token(String token) {
      return token(token, "the caller");
    }

    /** Requires the token held by environment variable {@code name}, if it is set and not blank. */
    public Builder tokenFromEnvironment(String name) {
      String value = System.getenv(name);
      if (value == null || value.isBlank()) {
        this.token = null;
        this.tokenSource = null;
        return this;
      }
      return token(value.strip(), "environment variable " + name);
    }

    /** Requires the token in the first line of {@code file}. */
    public Builder tokenFromFile(Path file) {
      try {
        String first =
            Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .findFirst()
                .orElse("")
                .strip();
        return token(first, "file " + file);
      } catch (IOException e) {
        throw SqlServerErrors.cannotReadToken(file, e);
      }
    }

    private Builder token(String value, String source) {
      if (value == null || value.isBlank()) {
        throw SqlServerErrors.invalidToken(source, "empty");
      }
      if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw SqlServerErrors.invalidToken(source, "only printable ASCII without spaces");
      }
      this.token = value;
      this.tokenSource = source;
      return this;
    }

    /** The spec; a port outside 0..65535 or a blank address is refused. */
    public SqlServerSpec build() {
      if (port < 0 || port > 65535) {
        throw SqlServerErrors.invalidPort(port);
      }
      if (host == null || host.isBlank()) {
        throw SqlServerErrors.invalidHost(Objects.toString(host, ""));
      }
      return new SqlServerSpec(this);
    }
  }
}
