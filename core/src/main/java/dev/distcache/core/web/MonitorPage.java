package dev.distcache.core.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The web monitor's page (HTML, its script and styles in one file, {@code monitor.html} next to
 * this class), which the local server and the daemon both serve: it polls {@code api/state} once a
 * second and draws what the answer holds, so each server's state decides what shows. Nothing is
 * fetched from elsewhere.
 */
public final class MonitorPage {
  private static final byte[] PAGE = load();

  private MonitorPage() {}

  public static byte[] bytes() {
    return PAGE.clone();
  }

  private static byte[] load() {
    try (InputStream in = MonitorPage.class.getResourceAsStream("monitor.html")) {
      if (in == null) {
        throw new IllegalStateException("monitor.html is missing from distcache's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
