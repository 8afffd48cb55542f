package dev.mtls.pki.internal.store;

import dev.mtls.pki.material.AtomicFiles;
import dev.mtls.pki.material.AtomicFiles.Existing;
import dev.mtls.pki.material.AtomicFiles.Visibility;
import dev.mtls.pki.material.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The files of a CA directory (the layout {@code dev.mtls.pki.CaDirectory} describes) and the small reads and writes
 * on them.
 */
public final class CaFiles {
  public static final String ROOT_CERTIFICATE = "root.pem";
  public static final String ROOT_KEY = "root.key";
  public static final String INTERMEDIATE_CERTIFICATE = "intermediate.pem";
  public static final String INTERMEDIATE_KEY = "intermediate.key";
  public static final String CA_CHAIN = "ca-chain.pem";
  public static final String ISSUING_INDEX = "index.tsv";
  public static final String ROOT_INDEX = "root-index.tsv";
  public static final String CRL_NUMBER = "crlnumber";
  public static final String ROOT_CRL_NUMBER = "root-crlnumber";
  public static final String CRLS = "crl.pem";
  public static final String CRL_URL = "crl-url";
  public static final String ROOT_CRL_URL = "root-crl-url";
  public static final String OCSP_URL = "ocsp-url";
  public static final String OCSP_SIGNER_CERTIFICATE = "ocsp-signer.pem";
  public static final String OCSP_SIGNER_KEY = "ocsp-signer.key";
  public static final String EST_SERVER_CERTIFICATE = "est-server.pem";
  public static final String EST_SERVER_KEY = "est-server.key";
  public static final String ENROLMENT_TOKENS = "enrolment-tokens.tsv";
  private static final String CERTIFICATES = "certs";

  private final Path directory;

  public CaFiles(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public Path file(String name) {
    return directory.resolve(name);
  }

  public boolean exists(String name) {
    return Files.exists(file(name));
  }

  /** Creates the directory and its {@code certs} folder. */
  public void create() {
    try {
      Files.createDirectories(directory.resolve(CERTIFICATES));
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot create: " + e.getMessage(), e);
    }
  }

  public void write(String name, String text, Visibility visibility, Existing existing) {
    AtomicFiles.writeString(file(name), text, visibility, existing);
  }

  /** The certificate issued with {@code serial}, kept as {@code certs/SERIAL.pem}. */
  public X509Certificate certificate(BigInteger serial) {
    Path file = certificateFile(serial);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("no certificate with serial " + serial.toString(16) + " in " + directory);
    }
    return Pem.loadCertificates(file).get(0);
  }

  /** Keeps {@code certificate} as {@code certs/SERIAL.pem}; a serial is never written twice. */
  public void store(X509Certificate certificate) {
    AtomicFiles.writeString(certificateFile(certificate.getSerialNumber()), Pem.encode(certificate),
        Visibility.PUBLIC, Existing.REFUSE);
  }

  /** The URL recorded in {@code name} at init, or null when none was. */
  public String url(String name) {
    return exists(name) ? read(name).trim() : null;
  }

  /** Records {@code url} in {@code name}; a null URL removes what a replaced CA recorded there. */
  public void writeUrl(String name, String url, Existing existing) {
    if (url != null) {
      write(name, url + "\n", Visibility.PUBLIC, existing);
    } else if (existing == Existing.REPLACE) {
      // A replaced CA must not hand its URLs on to the one replacing it.
      try {
        Files.deleteIfExists(file(name));
      } catch (IOException e) {
        throw new UncheckedIOException(file(name) + ": cannot delete: " + e.getMessage(), e);
      }
    }
  }

  /** The number after the one last written to {@code name}; 1 when there is none yet. */
  public BigInteger nextNumber(String name) {
    // CA directories made before the root published CRLs have no root-crlnumber yet.
    String text = exists(name) ? read(name).trim() : "0";
    return new BigInteger(text).add(BigInteger.ONE);
  }

  public void writeNumber(String name, BigInteger number, Existing existing) {
    write(name, number + "\n", Visibility.PUBLIC, existing);
  }

  /** Where the certificate issued with {@code serial} is kept: {@code certs/SERIAL.pem}. */
  public Path certificateFile(BigInteger serial) {
    return directory.resolve(CERTIFICATES).resolve(serial.toString(16) + ".pem");
  }

  private String read(String name) {
    try {
      return Files.readString(file(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file(name) + ": cannot read: " + e.getMessage(), e);
    }
  }
}
