package lakeops.bench;

import java.util.List;

/**
 * What a point-in-time result amounts to: exact integer aggregates (row count, label sums, matched
 * feature rows and a checksum of which feature row each label got) and sums of the double features.
 */
record Checksum(List<String> exact, List<Double> approximate) {

  /** Same exact aggregates, and double sums equal to 1e-9 relative. */
  boolean agrees(Checksum other) {
    if (!exact.equals(other.exact) || approximate.size() != other.approximate.size()) {
      return false;
    }
    for (int i = 0; i < approximate.size(); i++) {
      Double a = approximate.get(i);
      Double b = other.approximate.get(i);
      if (a == null || b == null) {
        if (a != b) {
          return false;
        }
      } else if (Math.abs(a - b) > 1e-9 * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)))) {
        return false;
      }
    }
    return true;
  }

  long rows() {
    return Long.parseLong(exact.get(0));
  }

  @Override
  public String toString() {
    return "exact=" + exact + " value sums=" + approximate;
  }
}
