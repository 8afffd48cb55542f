package dev.mtls.pki;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One version of a CA index, read once and shared by whoever asks until the file changes: its entries, and the same
 * by serial (the first line of a serial counts, as a scan would find it).
 */
record IndexSnapshot(List<IndexEntry> entries, Map<BigInteger, IndexEntry> bySerial) {
  static IndexSnapshot of(List<IndexEntry> entries) {
    Map<BigInteger, IndexEntry> bySerial = new HashMap<>();
    for (IndexEntry entry : entries) {
      bySerial.putIfAbsent(entry.serial(), entry);
    }
    return new IndexSnapshot(List.copyOf(entries), Map.copyOf(bySerial));
  }

  Optional<IndexEntry> entry(BigInteger serial) {
    return Optional.ofNullable(bySerial.get(serial));
  }
}
