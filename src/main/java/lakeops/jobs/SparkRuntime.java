package lakeops.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lakeops.env.LakeOpsHome;

/**
 * What task processes and cluster daemons are launched with, with no Spark distribution installed:
 * this JVM's {@code java}, the JVM options Spark needs on Java 17, the Spark, Delta and Hadoop jars
 * of the build's classpath file, and the job jar.
 *
 * @param java the java binary
 * @param jvmOptions JVM flags of every process
 * @param classpath Spark, Delta and Hadoop jars (and what a test adds)
 * @param jobJar the job jar spark-submit runs
 */
record SparkRuntime(Path java, List<String> jvmOptions, List<String> classpath, Path jobJar) {

  public SparkRuntime {
    jvmOptions = List.copyOf(jvmOptions);
    classpath = List.copyOf(classpath);
  }

  /** The runtime of the LakeOps installation of {@code home} (built by {@code mvn package}). */
  public static SparkRuntime of(LakeOpsHome home) {
    Path install = home.installDir();
    Path jar = install.resolve(JobProperties.JOB_JAR);
    Path classpathFile = install.resolve(JobProperties.CLASSPATH_FILE);
    Path optionsFile = install.resolve(JobProperties.JVM_OPTIONS_FILE);
    for (Path needed : List.of(jar, classpathFile, optionsFile)) {
      if (!Files.isRegularFile(needed)) {
        throw JobErrors.notBuilt(needed, install);
      }
    }
    try {
      List<String> classpath =
          Arrays.stream(Files.readString(classpathFile).strip().split(File.pathSeparator))
              .filter(entry -> !entry.isBlank())
              .toList();
      List<String> options =
          Arrays.stream(Files.readString(optionsFile).strip().split("\\s+"))
              .filter(option -> !option.isBlank())
              .toList();
      return new SparkRuntime(
          Path.of(System.getProperty("java.home"), "bin", "java"), options, classpath, jar);
    } catch (IOException e) {
      throw JobErrors.cannotReadRuntime(classpathFile, e);
    }
  }

  /** The same runtime with {@code entries} added to the classpath of tasks (test main classes). */
  public SparkRuntime withExtraClasspath(List<String> entries) {
    List<String> all = new ArrayList<>(entries);
    all.addAll(classpath);
    return new SparkRuntime(java, jvmOptions, all, jobJar);
  }

  /** The classpath as one string. */
  String classpathString() {
    return String.join(File.pathSeparator, classpath);
  }
}
