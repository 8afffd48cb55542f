package dev.mtls.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** SubjectAltName records to and from ASN.1 GeneralNames. */
final class GeneralNamesCodec {
  private GeneralNamesCodec() {}

  static GeneralNames encode(List<SubjectAltName> names) {
    GeneralName[] out = new GeneralName[names.size()];
    for (int i = 0; i < out.length; i++) {
      SubjectAltName name = names.get(i);
      out[i] = switch (name.type()) {
        case DNS -> new GeneralName(GeneralName.dNSName, name.value());
        case IP -> new GeneralName(GeneralName.iPAddress, name.value());
        case EMAIL -> new GeneralName(GeneralName.rfc822Name, name.value());
        case URI -> new GeneralName(GeneralName.uniformResourceIdentifier, name.value());
      };
    }
    return new GeneralNames(out);
  }

  /** Names of the four supported kinds; others (directoryName, otherName, …) are not listed. */
  static List<SubjectAltName> decode(GeneralNames names) {
    List<SubjectAltName> out = new ArrayList<>();
    for (GeneralName name : names.getNames()) {
      switch (name.getTagNo()) {
        case GeneralName.dNSName -> out.add(new SubjectAltName(SubjectAltName.Type.DNS, ia5(name)));
        case GeneralName.rfc822Name -> out.add(new SubjectAltName(SubjectAltName.Type.EMAIL, ia5(name)));
        case GeneralName.uniformResourceIdentifier -> out.add(new SubjectAltName(SubjectAltName.Type.URI, ia5(name)));
        case GeneralName.iPAddress -> out.add(new SubjectAltName(SubjectAltName.Type.IP, ip(name)));
        default -> { }
      }
    }
    return out;
  }

  private static String ia5(GeneralName name) {
    return ASN1IA5String.getInstance(name.getName()).getString();
  }

  private static String ip(GeneralName name) {
    byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
    try {
      return InetAddress.getByAddress(octets).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("IP SAN of " + octets.length + " bytes is malformed", e);
    }
  }
}
