package dev.mtls.server.internal.observe;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many lines a log about peers may write per interval, whatever the peers do. In each interval the first event
 * of each kind is written whole, until {@code wholeLines} have been; every other event is counted, and when the
 * interval ends the count is one summary line. A peer choosing a new kind per event (a new issuer name per
 * handshake) buys no more lines than one repeating itself.
 *
 * <p>Bounded in memory too, without a thread of its own: an interval ends at the first event or {@link #flush}
 * after its time, and forgets its kinds; within one, at most {@code maxKinds} kinds and {@code maxGroups} groups
 * are told apart (the rest are counted as "more kinds" and "other").
 */
final class LineBudget {
  /** The events of an ended interval that were not written whole. */
  record Summary(int suppressed, int kinds, boolean moreKinds, Map<String, Integer> byGroup, Duration interval) {
    /** E.g. {@code "190 more client(s) rejected in the last 10 s, of 190 kind(s): 190 not issued by a trusted CA"}. */
    String line(String what) {
      StringBuilder line = new StringBuilder().append(suppressed).append(" more ").append(what).append(" in the last ")
          .append(interval.toMillis() % 1000 == 0 ? interval.toSeconds() + " s" : interval.toMillis() + " ms")
          .append(", of ").append(moreKinds ? "more than " : "").append(kinds).append(" kind(s): ");
      String separator = "";
      for (Map.Entry<String, Integer> group : byGroup.entrySet()) {
        line.append(separator).append(group.getValue()).append(' ').append(group.getKey());
        separator = ", ";
      }
      return line.toString();
    }
  }

  /** Whether to write an event whole, and the summary of the interval it ended, if any (write that first). */
  record Decision(boolean whole, Summary ended) {}

  static final String OTHER_GROUP = "other";

  private final long intervalNanos;
  private final int wholeLines;
  private final int maxKinds;
  private final int maxGroups;
  private final LongSupplier nanoTime;

  private boolean open;
  private long startedNanos;
  private int written;
  /** The kinds seen in this interval, each with how many of its events were not written. */
  private final Map<Object, Integer> kinds = new HashMap<>();
  private final Map<String, Integer> byGroup = new LinkedHashMap<>();
  private int suppressed;
  private boolean moreKinds;

  LineBudget(Duration interval, int wholeLines, int maxKinds, int maxGroups, LongSupplier nanoTime) {
    if (maxKinds < wholeLines) {
      throw new IllegalArgumentException("maxKinds " + maxKinds + " < wholeLines " + wholeLines);
    }
    this.intervalNanos = interval.toNanos();
    this.wholeLines = wholeLines;
    this.maxKinds = maxKinds;
    this.maxGroups = maxGroups;
    this.nanoTime = nanoTime;
  }

  /** An event of {@code kind}, summed up under {@code group} when it is not written whole. */
  synchronized Decision offer(Object kind, String group) {
    long now = nanoTime.getAsLong();
    Summary ended = endIfDue(now);
    if (!open) {
      open = true;
      startedNanos = now;
    }
    if (!kinds.containsKey(kind) && written < wholeLines) {
      kinds.put(kind, 0);
      written++;
      return new Decision(true, ended);
    }
    suppressed++;
    Integer count = kinds.get(kind);
    if (count != null) {
      kinds.put(kind, count + 1);
    } else if (kinds.size() < maxKinds) {
      kinds.put(kind, 1);
    } else {
      moreKinds = true;
    }
    byGroup.merge(byGroup.containsKey(group) || byGroup.size() < maxGroups ? group : OTHER_GROUP, 1, Integer::sum);
    return new Decision(false, ended);
  }

  /** The summary of the interval if it has ended by now, or null. */
  synchronized Summary flush() {
    return endIfDue(nanoTime.getAsLong());
  }

  /** The summary of the interval in progress, ended now, or null. */
  synchronized Summary end() {
    return endNow();
  }

  /** How many kinds the interval in progress tells apart (bounded by {@code maxKinds}). */
  synchronized int kindsHeld() {
    return kinds.size();
  }

  private Summary endIfDue(long now) {
    // A clock that went backwards ends the interval too, rather than keep it open.
    long elapsed = now - startedNanos;
    return open && (elapsed >= intervalNanos || elapsed < 0) ? endNow() : null;
  }

  private Summary endNow() {
    Summary summary = null;
    if (suppressed > 0) {
      int told = (int) kinds.values().stream().filter(count -> count > 0).count();
      summary = new Summary(suppressed, told, moreKinds, Collections.unmodifiableMap(new LinkedHashMap<>(byGroup)), Duration.ofNanos(intervalNanos));
    }
    open = false;
    written = 0;
    suppressed = 0;
    moreKinds = false;
    kinds.clear();
    byGroup.clear();
    return summary;
  }
}
