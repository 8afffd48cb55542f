package dev.mtls.pki.material;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM in and out. {@code load…} reads a file, {@code parse…} reads PEM text; both name their source in
 * every error. Keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), SEC1
 * ({@code EC PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}) or legacy OpenSSL-encrypted.
 */
public final class Pem {

  private Pem() {}

  public static List<X509Certificate> loadCertificates(Path file) {
    return parseCertificates(read(file), file.toString());
  }

  /** Every certificate in {@code pem}, in file order. {@code source} names the text in errors. */
  public static List<X509Certificate> parseCertificates(String pem, String source) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects(pem, source)) {
      if (object instanceof X509CertificateHolder holder) {
        certificates.add(toCertificate(holder, source));
      } else {
        throw new KeyMaterialException(source + ": expected only certificates but found " + describe(object)
            + "; a certificate file holds BEGIN CERTIFICATE blocks");
      }
    }
    if (certificates.isEmpty()) {
      throw new KeyMaterialException(source + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(certificates);
  }

  /** Loads a private key; {@code password} may be null for unencrypted keys. */
  public static PrivateKey loadPrivateKey(Path file, char[] password) {
    return parsePrivateKey(read(file), password, file.toString());
  }

  public static PrivateKey parsePrivateKey(String pem, char[] password, String source) {
    List<Object> objects = objects(pem, source);
    Object keyObject = null;
    for (Object object : objects) {
      if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
          || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
        if (keyObject != null) {
          throw new KeyMaterialException(source + ": holds more than one private key; put one key per file");
        }
        keyObject = object;
      }
    }
    if (keyObject == null) {
      String found = objects.isEmpty() ? "no PEM block" : describe(objects.get(0));
      throw new KeyMaterialException(source + ": no private key found (found " + found
          + "); expected -----BEGIN PRIVATE KEY----- or an RSA/EC/ENCRYPTED variant");
    }
    PrivateKeyInfo info;
    if (keyObject instanceof PrivateKeyInfo plain) {
      info = plain;
    } else if (keyObject instanceof PEMKeyPair pair) {
      // Through the PrivateKeyInfo: a SEC1 key may omit its public key, and getKeyPair would then fail.
      info = pair.getPrivateKeyInfo();
    } else {
      if (password == null || password.length == 0) {
        throw new KeyMaterialException(source + ": the private key is encrypted; give its password");
      }
      info = decrypt(keyObject, password, source);
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException | RuntimeException e) {
      throw new KeyMaterialException(source + ": unreadable private key: " + SafeText.escape(e.getMessage()), e);
    }
  }

  private static PrivateKeyInfo decrypt(Object keyObject, char[] password, String source) {
    try {
      // The JDK has neither AES/CBC/PKCS7Padding nor OpenSSL's legacy key derivation: use BouncyCastle's provider
      // for these operations only, without registering it globally.
      if (keyObject instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        InputDecryptorProvider decryptor =
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Providers.bouncyCastle()).build(password);
        return encrypted.decryptPrivateKeyInfo(decryptor);
      }
      PEMDecryptorProvider decryptor =
          new JcePEMDecryptorProviderBuilder().setProvider(Providers.bouncyCastle()).build(password);
      return ((PEMEncryptedKeyPair) keyObject).decryptKeyPair(decryptor).getPrivateKeyInfo();
    } catch (PKCSException | IOException e) {
      throw new KeyMaterialException(source + ": cannot decrypt the private key: wrong password?", e);
    } catch (OperatorCreationException e) {
      throw new KeyMaterialException(source + ": unsupported key encryption: " + SafeText.escape(e.getMessage()), e);
    }
  }

  public static List<X509CRL> loadCrls(Path file) {
    String source = file.toString();
    List<X509CRL> crls = new ArrayList<>();
    for (Object object : objects(read(file), source)) {
      if (!(object instanceof X509CRLHolder holder)) {
        throw new KeyMaterialException(source + ": expected a CRL (BEGIN X509 CRL) but found " + describe(object));
      }
      try {
        crls.add((X509CRL) x509().generateCRL(new ByteArrayInputStream(holder.getEncoded())));
      } catch (CRLException | IOException | RuntimeException e) {
        // BouncyCastle parses the inside of a block lazily: a malformed field fails here, as an unchecked exception.
        throw new KeyMaterialException(source + ": unreadable CRL: " + SafeText.escape(e.getMessage()), e);
      }
    }
    if (crls.isEmpty()) {
      throw new KeyMaterialException(source + ": no PEM CRL found (expected -----BEGIN X509 CRL-----)");
    }
    return List.copyOf(crls);
  }

  public static String encode(X509Certificate certificate) {
    return write(certificate);
  }

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    certificates.forEach(c -> out.append(write(c)));
    return out.toString();
  }

  public static String encode(X509CRL crl) {
    return write(crl);
  }

  /** Unencrypted PKCS#8. */
  public static String encode(PrivateKey key) {
    // A PemObject, not a PrivateKeyInfo: BouncyCastle's writer turns a PrivateKeyInfo into PKCS#1 or SEC1.
    return write(new PemObject("PRIVATE KEY", key.getEncoded()));
  }

  /**
   * Encrypted PKCS#8 (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256 at {@link KeyEncryption#STANDARD} cost), readable by
   * {@code openssl pkey}.
   */
  public static String encodeEncrypted(PrivateKey key, char[] password) {
    return encodeEncrypted(key, password, KeyEncryption.STANDARD);
  }

  /** Like {@link #encodeEncrypted(PrivateKey, char[])}, at the given cost. */
  public static String encodeEncrypted(PrivateKey key, char[] password, KeyEncryption cost) {
    try {
      OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
          .setPRF(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256))
          .setIterationCount(cost.pemIterations())
          .setProvider(Providers.bouncyCastle())
          .setPassword(password)
          .build();
      return write(new JcaPKCS8Generator(key, encryptor).generate());
    } catch (OperatorCreationException | PemGenerationException e) {
      throw new IllegalStateException("cannot encrypt private key", e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw KeyMaterialException.in(file, "file not found");
    } catch (MalformedInputException e) {
      throw KeyMaterialException.in(file, "not a PEM text file (binary content; is it DER or PKCS#12?)");
    } catch (IOException e) {
      throw KeyMaterialException.in(file, "cannot read: " + e.getMessage(), e);
    }
  }

  private static List<Object> objects(String pem, String source) {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new KeyMaterialException(source + ": malformed PEM: " + SafeText.escape(e.getMessage()), e);
    }
    return objects;
  }

  private static X509Certificate toCertificate(X509CertificateHolder holder, String source) {
    try {
      return (X509Certificate) x509().generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    } catch (CertificateException | IOException | RuntimeException e) {
      throw new KeyMaterialException(source + ": unreadable certificate: " + SafeText.escape(e.getMessage()), e);
    }
  }

  private static String describe(Object object) {
    if (object instanceof X509CertificateHolder) {
      return "a certificate";
    }
    if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
        || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
      return "a private key";
    }
    if (object instanceof X509CRLHolder) {
      return "a CRL";
    }
    if (object instanceof PKCS10CertificationRequest) {
      return "a certificate request (CSR)";
    }
    return "a " + object.getClass().getSimpleName();
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  // CertificateFactory is not documented as thread-safe; instances are cheap.
  static CertificateFactory x509() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new AssertionError("every JDK has X.509", e);
    }
  }
}
