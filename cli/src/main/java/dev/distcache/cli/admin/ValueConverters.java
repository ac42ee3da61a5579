package dev.distcache.cli.admin;

import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.Values;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks option values while parsing, so a bad value is a usage error (exit 2) like an unknown
 * option.
 */
final class ValueConverters {
  private ValueConverters() {}

  /**
   * An age as ccache spells it: days by default, or seconds with the suffix {@code s}; converts to
   * seconds.
   */
  static final class Age implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Values.parseSeconds(value, 'd');
      } catch (ConfigException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A size such as {@code 10G} or {@code 500Mi}; kept as written for the configuration file. */
  static final class Size implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        Values.parseSize(value);
        return value.trim();
      } catch (ConfigException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A whole, non-negative number of files. */
  static final class FileCount implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        if (Long.parseLong(value.trim()) >= 0) {
          return value.trim();
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      throw new TypeConversionException(
          "\"" + value + "\" is not a whole number of files (0 means no limit)");
    }
  }
}
