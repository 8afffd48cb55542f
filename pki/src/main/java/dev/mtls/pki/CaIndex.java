package dev.mtls.pki;

import dev.mtls.pki.internal.store.CaFiles;
import dev.mtls.pki.internal.store.IndexFile;
import dev.mtls.pki.internal.store.ParsedFile;
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
 * {@code root-index.tsv} for the root (the intermediate). Changes read the files afresh, under the directory's lock;
 * questions ({@link #entry}, the snapshots) are answered from the files as parsed once per change, so a revocation
 * another process made is seen at the next question, and a peer asking many questions does not make the index be read
 * many times.
 */
final class CaIndex {
  private static final String HEADER = "# serial\tstatus\tnot-after\trevoked-at\treason\tsubject";
  private static final int FIELDS = 6;

  private final CaFiles files;
  private final X509Certificate intermediate;
  private final ParsedFile<IndexSnapshot> issuedSnapshot;
  private final ParsedFile<IndexSnapshot> rootSnapshot;

  CaIndex(CaFiles files, X509Certificate intermediate) {
    this.files = files;
    this.intermediate = intermediate;
    this.issuedSnapshot = snapshots(CaFiles.ISSUING_INDEX);
    this.rootSnapshot = snapshots(CaFiles.ROOT_INDEX);
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
    return issuedSnapshot().entry(serial);
  }

  /** What the issuing CA issued, as the file is now: parsed again only when it changed. */
  IndexSnapshot issuedSnapshot() {
    return issuedSnapshot.get();
  }

  /** What the root issued, as the file is now: parsed again only when it changed. */
  IndexSnapshot rootSnapshot() {
    return rootSnapshot.get();
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

  private ParsedFile<IndexSnapshot> snapshots(String name) {
    return new ParsedFile<>(files.file(name), () -> IndexSnapshot.of(read(name)));
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
