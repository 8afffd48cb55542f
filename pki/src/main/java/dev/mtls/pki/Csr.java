package dev.mtls.pki;

import dev.mtls.pki.internal.x509.Signatures;
import dev.mtls.pki.material.KeyMaterialException;
import dev.mtls.pki.material.Providers;
import dev.mtls.pki.material.SafeText;
import dev.mtls.pki.material.SubjectAltName;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A PKCS#10 certificate signing request: a subject, the names asked for, and a public key, signed by the
 * matching private key. That signature proves the requester holds the key; the key itself never leaves it.
 */
public final class Csr {
  private final PKCS10CertificationRequest request;

  private Csr(PKCS10CertificationRequest request) {
    this.request = request;
  }

  /** A request for {@code subject} and {@code names}, signed with {@code keyPair}'s private key. */
  public static Csr create(KeyPair keyPair, X500Principal subject, List<SubjectAltName> names) {
    try {
      JcaPKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(subject, keyPair.getPublic());
      if (!names.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, SubjectAltName.encode(names));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      return new Csr(builder.build(Signatures.signer(keyPair.getPrivate(), keyPair.getPublic())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot sign the request: " + e.getMessage(), e);
    }
  }

  public static Csr load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new KeyMaterialException(file + ": file not found");
    } catch (IOException e) {
      throw new KeyMaterialException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** A request in DER, as EST sends it (base64-decoded); a {@link KeyMaterialException} when it is not one. */
  public static Csr fromDer(byte[] der, String source) {
    try {
      return new Csr(new PKCS10CertificationRequest(der));
    } catch (IOException | RuntimeException e) {
      throw new KeyMaterialException(source + ": not a DER PKCS#10 certificate request: "
          + SafeText.escape(e.getMessage()), e);
    }
  }

  public static Csr parse(String pem, String source) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      if (object instanceof PKCS10CertificationRequest request) {
        return new Csr(request);
      }
      throw new KeyMaterialException(source + ": not a certificate request (expected -----BEGIN CERTIFICATE REQUEST-----"
          + (object == null ? ", found no PEM block)" : ", found " + object.getClass().getSimpleName() + ")"));
    } catch (IOException | RuntimeException e) {
      if (e instanceof KeyMaterialException k) {
        throw k;
      }
      throw new KeyMaterialException(source + ": malformed certificate request: " + SafeText.escape(e.getMessage()),
          e);
    }
  }

  /** The subject asked for; a {@link RequestRefusedException} when it is not a readable name. */
  public X500Principal subject() {
    try {
      return new X500Principal(request.getSubject().getEncoded());
    } catch (IOException | RuntimeException e) {
      throw new RequestRefusedException("the request's subject is not a readable name: "
          + SafeText.escape(e.getMessage()));
    }
  }

  public PublicKey publicKey() {
    try {
      return new JcaPKCS10CertificationRequest(request).setProvider(Providers.bouncyCastle()).getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new RequestRefusedException("the request's public key is unreadable: "
          + SafeText.escape(e.getMessage()));
    }
  }

  /**
   * The SANs in the request's extensionRequest attribute; other requested extensions are ignored. A
   * {@link RequestRefusedException} when the attribute or the names in it cannot be read.
   */
  public List<SubjectAltName> subjectAltNames() {
    List<SubjectAltName> names = new ArrayList<>();
    try {
      for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        for (ASN1Encodable value : attribute.getAttributeValues()) {
          Extensions extensions = Extensions.getInstance(value);
          GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
          if (sans != null) {
            names.addAll(SubjectAltName.decode(sans));
          }
        }
      }
    } catch (RuntimeException e) {
      // BouncyCastle reads the attribute's structure only now, and refuses a malformed one with unchecked exceptions.
      throw new RequestRefusedException("the request's extensionRequest attribute (its subject alternative names) is"
          + " malformed: " + SafeText.escape(e.getMessage()));
    }
    return List.copyOf(names);
  }

  /** Throws {@link RequestRefusedException} unless the request is signed by the key it carries. */
  public void verifySignature() {
    try {
      ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder()
          .setProvider(Providers.bouncyCastle()).build(request.getSubjectPublicKeyInfo());
      if (!request.isSignatureValid(verifier)) {
        throw new RequestRefusedException("the request's signature does not verify: it was altered, or not signed "
            + "by the private key of the public key it carries");
      }
    } catch (RuntimeOperatorException e) {
      // A signature that is not even well-formed (e.g. broken ECDSA DER) is reported by the JCA as an exception.
      throw new RequestRefusedException("the request's signature does not verify: it was altered, or not signed "
          + "by the private key of the public key it carries");
    } catch (OperatorCreationException | PKCSException e) {
      throw new RequestRefusedException("the request's signature cannot be checked: "
          + SafeText.escape(e.getMessage()));
    }
  }

  public byte[] encoded() {
    try {
      return request.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String pem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
