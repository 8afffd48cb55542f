package dev.mtls.pki;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a certificate the CA issues goes before the CA records it: its holder's files
 * ({@link CredentialFiles#delivery}). {@link CaDirectory#issue(CertificateSpec, Delivery)} and its siblings run
 * {@link #check}, sign, {@link #write} and record as one step under the CA's lock, so that the index never lists a
 * certificate nobody received: a certificate whose files cannot be written is not recorded, and one whose record
 * fails has its files removed again.
 */
public interface Delivery {
  /**
   * Refuses, before anything is signed, when the files cannot be written: one exists and may not be replaced. The
   * message names the file.
   */
  void check();

  /** The files {@link #write} writes, in order. */
  List<Path> files();

  /**
   * Writes {@code issued}'s files and returns them, all or none: when one cannot be written, those already written
   * are removed before this throws.
   */
  List<Path> write(IssuedCertificate issued);
}
