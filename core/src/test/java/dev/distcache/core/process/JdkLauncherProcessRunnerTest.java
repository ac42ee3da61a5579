package dev.distcache.core.process;

/** Every test of {@link ProcessRunnerTest} again, with the JDK's launcher (the fallback). */
class JdkLauncherProcessRunnerTest extends ProcessRunnerTest {
  @Override
  ProcessRunner runner() {
    return SystemProcessRunner.JDK_LAUNCHER;
  }
}
