package dev.mtls.pki.material.trust;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * The one algorithm policy of this project, for certificates and for TLS alike:
 *
 * <ul>
 *   <li>no MD5, SHA-1 or SHA-224 in any signature, RSASSA-PSS parameters included (PSS without parameters means
 *       SHA-1);
 *   <li>no DSA and no finite-field Diffie-Hellman;
 *   <li>RSA keys of at least {@value #MIN_RSA_BITS} bits; EC keys only on P-256, P-384 and P-521; Ed25519;
 *   <li>key exchange only over x25519, secp256r1, secp384r1 and secp521r1.
 * </ul>
 *
 * <p>It is a JSSE {@link AlgorithmConstraints}: set on an engine's {@code SSLParameters} it filters the signature
 * schemes a server lists in its CertificateRequest, the schemes and groups either side offers and accepts, on
 * JDK 17 (which has no {@code setSignatureSchemes}/{@code setNamedGroups}) exactly as on newer JDKs. The same
 * object checks every certificate of a path PKIX validates ({@link #problemWith(X509Certificate)}), so the two
 * cannot disagree. Keys are judged from their encoded SubjectPublicKeyInfo, not from the provider's key class:
 * a JDK that cannot even parse a curve still gets a true answer.
 */
public final class AlgorithmPolicy implements AlgorithmConstraints {
  public static final int MIN_RSA_BITS = 2048;

  /** The policy described above. */
  public static final AlgorithmPolicy STRICT = new AlgorithmPolicy();

  private static final Set<String> NAMED_GROUPS = Set.of("x25519", "secp256r1", "secp384r1", "secp521r1");
  private static final Pattern NAMED_GROUP = Pattern.compile(
      "x25519|x448|ffdhe\\d+|sec[pt]\\d+[kr]\\d|brainpool.*|arbitrary.*|prime\\d+v\\d");
  private static final Set<String> FORBIDDEN = Set.of("md2", "md4", "md5", "sha1", "sha224", "dsa", "dss",
      "rc2", "rc4", "des", "desede", "3des", "null", "anon", "export", "ed448", "x448", "dh", "dhe");
  private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[^a-z0-9]+|with|and");
  /**
   * JSSE asks about the same few dozen names on every handshake; past this many (which only odd names in peers'
   * certificates could supply) nothing more is remembered, so a peer cannot grow the cache.
   */
  private static final int NAME_CACHE_LIMIT = 256;

  private final Map<String, Optional<String>> verdictsByName = new ConcurrentHashMap<>();

  private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
      new ASN1ObjectIdentifier("1.2.840.10045.3.1.7"), "P-256",
      new ASN1ObjectIdentifier("1.3.132.0.34"), "P-384",
      new ASN1ObjectIdentifier("1.3.132.0.35"), "P-521");
  private static final ASN1ObjectIdentifier EC = new ASN1ObjectIdentifier("1.2.840.10045.2.1");
  private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");
  private static final ASN1ObjectIdentifier X25519 = new ASN1ObjectIdentifier("1.3.101.110");
  private static final ASN1ObjectIdentifier RSA = PKCSObjectIdentifiers.rsaEncryption;
  private static final ASN1ObjectIdentifier RSA_PSS = PKCSObjectIdentifiers.id_RSASSA_PSS;

  private AlgorithmPolicy() {}

  /** The named groups this policy allows for key exchange, in preference order. */
  public List<String> namedGroups() {
    return List.of("x25519", "secp256r1", "secp384r1", "secp521r1");
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
    return problemWithAlgorithm(algorithm, parameters).isEmpty();
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
    return problemWithKey(key).isEmpty();
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
    return permits(primitives, algorithm, parameters) && permits(primitives, key);
  }

  /**
   * What this policy refuses in {@code certificate}: its signature algorithm or its public key; empty when both
   * are acceptable. The sentence completes "the certificate …", e.g. "is signed with SHA1withRSA (SHA-1 is not
   * accepted)".
   */
  public Optional<String> problemWith(X509Certificate certificate) {
    Optional<String> signature = problemWithAlgorithm(certificate.getSigAlgName(), certificate.getSigAlgParams());
    if (signature.isPresent()) {
      return Optional.of("is signed with " + certificate.getSigAlgName() + " (" + signature.get() + ")");
    }
    return problemWithKey(certificate.getPublicKey()).map(problem -> "has " + problem);
  }

  /**
   * What this policy refuses in {@code crl}'s signature algorithm, completing "the CRL …"; empty when acceptable.
   */
  public Optional<String> problemWithCrl(X509CRL crl) {
    return problemWithAlgorithm(crl.getSigAlgName(), crl.getSigAlgParams())
        .map(problem -> "is signed with " + crl.getSigAlgName() + " (" + problem + ")");
  }

  /**
   * What this policy refuses in a key, as a phrase ("a 1024-bit RSA key (at least 2048 bits are required)");
   * empty when the key is acceptable.
   */
  public Optional<String> problemWithKey(Key key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null || !"X.509".equals(key.getFormat())) {
      // Private or opaque (hardware) keys: judge them by their algorithm name only.
      return problemWithAlgorithm(key.getAlgorithm(), (byte[]) null).map(problem -> "a " + key.getAlgorithm()
          + " key (" + problem + ")");
    }
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(encoded);
    } catch (IllegalArgumentException e) {
      return Optional.of("an unreadable public key");
    }
    ASN1ObjectIdentifier type = info.getAlgorithm().getAlgorithm();
    if (type.equals(RSA) || type.equals(RSA_PSS)) {
      int bits = rsaBits(info);
      if (bits < MIN_RSA_BITS) {
        return Optional.of("a " + bits + "-bit RSA key (at least " + MIN_RSA_BITS + " bits are required)");
      }
      if (type.equals(RSA_PSS) && info.getAlgorithm().getParameters() != null) {
        Optional<String> pss = problemWithPss(RSASSAPSSparams.getInstance(info.getAlgorithm().getParameters()));
        return pss.map(problem -> "an RSASSA-PSS key whose parameters say " + problem);
      }
      return Optional.empty();
    }
    if (type.equals(EC)) {
      if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
        return Optional.of("an EC key with explicit curve parameters (only named curves P-256, P-384 and P-521"
            + " are accepted)");
      }
      return CURVES.containsKey(curve) ? Optional.empty()
          : Optional.of("an EC key on curve " + curveName(curve) + " (accepted: P-256, P-384, P-521)");
    }
    if (type.equals(ED25519) || type.equals(X25519)) {
      return Optional.empty();
    }
    return Optional.of("a " + keyName(type, key.getAlgorithm()) + " key (accepted: RSA of at least "
        + MIN_RSA_BITS + " bits, EC on P-256, P-384 or P-521, Ed25519)");
  }

  private Optional<String> problemWithAlgorithm(String algorithm, AlgorithmParameters parameters) {
    Optional<String> byName = problemWithAlgorithm(algorithm, (byte[]) null);
    if (byName.isPresent() || parameters == null || !isPss(algorithm)) {
      return byName;
    }
    try {
      PSSParameterSpec spec = parameters.getParameterSpec(PSSParameterSpec.class);
      for (String digest : digests(spec)) {
        Optional<String> problem = problemWithAlgorithm(digest, (byte[]) null);
        if (problem.isPresent()) {
          return Optional.of(problem.get().replace(" is not accepted", " inside RSASSA-PSS is not accepted"));
        }
      }
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      return Optional.of("unreadable RSASSA-PSS parameters are not accepted");
    }
  }

  private Optional<String> problemWithAlgorithm(String algorithm, byte[] encodedParameters) {
    if (algorithm == null || algorithm.isEmpty()) {
      return Optional.empty();
    }
    if (encodedParameters != null) {
      return judgeName(algorithm, encodedParameters);
    }
    // The verdict on a name never changes, and JSSE asks about the same few dozen names many times per handshake
    // (profiled: regular expressions here were 9% of a handshake's CPU).
    Optional<String> known = verdictsByName.get(algorithm);
    if (known == null) {
      known = judgeName(algorithm, null);
      if (verdictsByName.size() < NAME_CACHE_LIMIT) {
        verdictsByName.put(algorithm, known);
      }
    }
    return known;
  }

  private Optional<String> judgeName(String algorithm, byte[] encodedParameters) {
    String name = algorithm.toLowerCase(Locale.ROOT).replace("sha-", "sha");
    if (NAMED_GROUP.matcher(name).matches()) {
      return NAMED_GROUPS.contains(name) ? Optional.empty()
          : Optional.of("the group " + name + " is not accepted; accepted: " + String.join(", ", namedGroups()));
    }
    for (String token : TOKEN_SEPARATORS.split(name)) {
      if (FORBIDDEN.contains(token) || (NAMED_GROUP.matcher(token).matches() && !NAMED_GROUPS.contains(token))) {
        return Optional.of(describeForbidden(token) + " is not accepted");
      }
    }
    if (encodedParameters != null && isPss(algorithm)) {
      return problemWithPss(RSASSAPSSparams.getInstance(encodedParameters));
    }
    return Optional.empty();
  }

  private static boolean isPss(String algorithm) {
    String name = algorithm.toUpperCase(Locale.ROOT);
    return name.contains("PSS");
  }

  private static List<String> digests(PSSParameterSpec spec) {
    List<String> digests = new ArrayList<>();
    digests.add(spec.getDigestAlgorithm());
    if (spec.getMGFParameters() instanceof MGF1ParameterSpec mgf) {
      digests.add(mgf.getDigestAlgorithm());
    }
    return digests;
  }

  /**
   * PSS parameters as DER: absent fields mean SHA-1, which is exactly what must be refused. The phrase is a whole
   * reason: "SHA-1 inside RSASSA-PSS is not accepted".
   */
  private Optional<String> problemWithPss(RSASSAPSSparams parameters) {
    AlgorithmIdentifier hash = parameters.getHashAlgorithm();
    AlgorithmIdentifier mask = parameters.getMaskGenAlgorithm();
    List<ASN1ObjectIdentifier> digests = new ArrayList<>();
    digests.add(hash.getAlgorithm());
    if (mask.getParameters() != null) {
      digests.add(AlgorithmIdentifier.getInstance(mask.getParameters()).getAlgorithm());
    }
    for (ASN1ObjectIdentifier digest : digests) {
      String name = DIGESTS.getOrDefault(digest.getId(), digest.getId());
      if (problemWithAlgorithm(name, (byte[]) null).isPresent()) {
        return Optional.of(name + " inside RSASSA-PSS is not accepted");
      }
    }
    return Optional.empty();
  }

  private static final Map<String, String> DIGESTS = Map.of(
      "1.3.14.3.2.26", "SHA-1",
      "2.16.840.1.101.3.4.2.4", "SHA-224",
      "2.16.840.1.101.3.4.2.1", "SHA-256",
      "2.16.840.1.101.3.4.2.2", "SHA-384",
      "2.16.840.1.101.3.4.2.3", "SHA-512",
      "1.2.840.113549.2.5", "MD5");

  private static String describeForbidden(String token) {
    return switch (token) {
      case "sha1" -> "SHA-1";
      case "sha224" -> "SHA-224";
      case "md2", "md4", "md5" -> token.toUpperCase(Locale.ROOT);
      case "dsa", "dss" -> "DSA";
      case "dh", "dhe" -> "finite-field Diffie-Hellman";
      case "ed448" -> "Ed448";
      case "x448" -> "x448";
      default -> token;
    };
  }

  private static int rsaBits(SubjectPublicKeyInfo info) {
    try {
      BigInteger modulus = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus();
      return modulus.bitLength();
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }

  private static String curveName(ASN1ObjectIdentifier curve) {
    String name = ECNamedCurveTable.getName(curve);
    return name == null ? curve.getId() : name;
  }

  private static String keyName(ASN1ObjectIdentifier type, String algorithm) {
    return switch (type.getId()) {
      case "1.2.840.10040.4.1" -> "DSA";
      case "1.3.101.113" -> "Ed448";
      case "1.3.101.111" -> "X448";
      case "1.2.840.113549.1.3.1", "1.2.840.10046.2.1" -> "Diffie-Hellman";
      default -> algorithm + " (" + type.getId() + ")";
    };
  }

  @Override
  public String toString() {
    return "AlgorithmPolicy[no MD5/SHA-1/SHA-224, no DSA/DH, RSA >= " + MIN_RSA_BITS
        + ", EC P-256/P-384/P-521, Ed25519; groups " + String.join(", ", namedGroups()) + "]";
  }
}
