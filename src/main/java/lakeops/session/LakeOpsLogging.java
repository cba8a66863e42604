package lakeops.session;

import java.nio.file.Files;
import java.nio.file.Path;
import lakeops.env.EnvironmentProperties;
import lakeops.env.LakeOpsHome;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Points log4j2 at the project's {@code conf/log4j2.properties} so every LakeOps process, CLI and
 * job alike, logs the same quiet way, unless the JVM was started with its own configuration.
 */
final class LakeOpsLogging {

  private static final String CONFIG_PROPERTY = "log4j2.configurationFile";
  private static volatile boolean configured;

  private LakeOpsLogging() {}

  static synchronized void configure(LakeOpsHome home) {
    if (configured || System.getProperty(CONFIG_PROPERTY) != null) {
      return;
    }
    Path file = home.root().resolve(EnvironmentProperties.LOG4J2_FILE);
    if (Files.isRegularFile(file)) {
      System.setProperty(CONFIG_PROPERTY, file.toUri().toString());
      if (LogManager.getContext(false) instanceof LoggerContext context) {
        context.setConfigLocation(file.toUri());
      }
    }
    configured = true;
  }
}
