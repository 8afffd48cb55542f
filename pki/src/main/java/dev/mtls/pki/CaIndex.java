package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.IndexFile;
import dev.mtls.pki.internal.store.Rollback;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.SafeText;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * What the two CAs of a CA directory issued, as {@link IndexEntry} lines: {@code index.tsv} for the issuing CA,
 * {@code root-index.tsv} for the root (the intermediate). Read afresh at every call, so a revocation another process
 * made is seen at once.
 */
final class CaIndex {
  private static final String HEADER = "# serial\tstatus\tnot-after\trevoked-at\treason\tsubject";
  private static final int FIELDS = 6;

  private final CaFiles files;
  private final X509Certificate intermediate;

  CaIndex(CaFiles files, X509Certificate intermediate) {
    this.files = files;
    this.intermediate = intermediate;
  }

  /** Writes the indexes of a new CA: the issuing CA's empty, the root's with the intermediate. */
  static void create(CaFiles files, X509Certificate intermediate, Existing existing) {
    write(files, CaFiles.ISSUING_INDEX, List.of(), existing);
    write(files, CaFiles.ROOT_INDEX, List.of(entryFor(intermediate)), existing);
  }

  /** What the issuing CA issued. */
  List<IndexEntry> issued() {
    return read(CaFiles.ISSUING_INDEX);
  }

  /** What the root issued: the intermediate, revoked or not. */
  List<IndexEntry> rootIssued() {
    return read(CaFiles.ROOT_INDEX);
  }

  Optional<IndexEntry> entry(BigInteger serial) {
    return issued().stream().filter(e -> e.serial().equals(serial)).findFirst();
  }

  /** Whether the issuing CA's index lists {@code serial} as revoked. */
  boolean revoked(BigInteger serial) {
    return entry(serial).filter(e -> e.status() == IndexEntry.Status.REVOKED).isPresent();
  }

  /**
   * Keeps a certificate the issuing CA just signed and adds it to its index, valid; a failure keeps neither. The
   * caller holds the CA's lock.
   */
  void record(X509Certificate certificate) {
    files.store(certificate);
    try {
      List<IndexEntry> entries = issued();
      entries.add(entryFor(certificate));
      write(files, CaFiles.ISSUING_INDEX, entries, Existing.REPLACE);
    } catch (RuntimeException e) {
      throw Rollback.remove(List.of(files.certificateFile(certificate.getSerialNumber())), e);
    }
  }

  /**
   * Marks {@code serial} revoked at {@code at} in whichever index lists it. Revoking twice is refused: the first
   * reason and time stand. The caller holds the CA's lock.
   */
  IndexEntry revoke(BigInteger serial, RevocationReason reason, Instant at) {
    for (String index : List.of(CaFiles.ISSUING_INDEX, CaFiles.ROOT_INDEX)) {
      List<IndexEntry> entries = read(index);
      for (int i = 0; i < entries.size(); i++) {
        IndexEntry entry = entries.get(i);
        if (entry.serial().equals(serial)) {
          if (entry.status() == IndexEntry.Status.REVOKED) {
            throw new IllegalStateException("serial " + serial.toString(16) + " is already revoked ("
                + entry.reason().cliName() + ", " + entry.revokedAt() + ")");
          }
          IndexEntry revoked = entry.revoked(at, reason);
          entries.set(i, revoked);
          write(files, index, entries, Existing.REPLACE);
          return revoked;
        }
      }
    }
    throw new IllegalArgumentException("no certificate with serial " + serial.toString(16) + " in "
        + files.directory() + "; 'list' shows the serials");
  }

  private List<IndexEntry> read(String name) {
    if (name.equals(CaFiles.ROOT_INDEX) && !files.exists(name)) {
      // A CA directory made before the root kept an index: the root issued exactly the intermediate.
      return new ArrayList<>(List.of(entryFor(intermediate)));
    }
    return new ArrayList<>(IndexFile.read(files.file(name), FIELDS, CaIndex::parse));
  }

  private static void write(CaFiles files, String name, List<IndexEntry> entries, Existing existing) {
    IndexFile.write(files.file(name), HEADER, entries, CaIndex::fields, existing);
  }

  private static IndexEntry entryFor(X509Certificate certificate) {
    return new IndexEntry(certificate.getSerialNumber(), IndexEntry.Status.VALID,
        certificate.getNotAfter().toInstant(), null, null,
        certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
  }

  private static IndexEntry parse(List<String> fields) {
    boolean revoked = fields.get(1).equals("R");
    if (!revoked && !fields.get(1).equals("V")) {
      throw new IllegalArgumentException("status must be V or R, found '" + SafeText.escape(fields.get(1)) + "'");
    }
    return new IndexEntry(new BigInteger(fields.get(0), 16),
        revoked ? IndexEntry.Status.REVOKED : IndexEntry.Status.VALID,
        Instant.parse(fields.get(2)),
        revoked ? Instant.parse(fields.get(3)) : null,
        revoked ? RevocationReason.fromCliName(fields.get(4)) : null,
        fields.get(5));
  }

  private static List<String> fields(IndexEntry entry) {
    return List.of(entry.serialHex(),
        entry.status() == IndexEntry.Status.REVOKED ? "R" : "V",
        entry.notAfter().toString(),
        entry.revokedAt() == null ? "" : entry.revokedAt().toString(),
        entry.reason() == null ? "" : entry.reason().cliName(),
        entry.subject());
  }
}
