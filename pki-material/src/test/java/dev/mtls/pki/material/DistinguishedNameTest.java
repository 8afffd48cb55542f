package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class DistinguishedNameTest {

  @Test
  void shows_a_utf8_value_that_is_not_valid_utf8_as_the_hex_of_its_encoding_instead_of_failing() {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3 (CN), UTF8String C3 28 } } }: C3 must be followed by 80..BF.
    byte[] encoded = {0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, (byte) 0xc3,
        0x28};

    DistinguishedName dn = DistinguishedName.of(new X500Principal(encoded));

    assertThat(dn.values("CN")).containsExactly("#0c02c328");
  }

  @Test
  void escaped_comma_stays_inside_the_common_name() {
    DistinguishedName dn = DistinguishedName.of(new X500Principal("CN=bob\\,OU=admins,OU=readers"));

    assertThat(dn.values("CN")).containsExactly("bob,OU=admins");
    assertThat(dn.values("OU")).containsExactly("readers");
    assertThat(dn.values("OU")).doesNotContain("admins");
  }

  @Test
  void attributes_come_in_encoding_order_most_general_first() {
    DistinguishedName dn = DistinguishedName.of(new X500Principal("CN=alice,OU=admins,O=example,C=DE"));

    assertThat(dn.attributes()).containsExactly(
        new DistinguishedName.Attribute("C", "DE"),
        new DistinguishedName.Attribute("O", "example"),
        new DistinguishedName.Attribute("OU", "admins"),
        new DistinguishedName.Attribute("CN", "alice"));
  }

  @Test
  void most_specific_value_is_the_last_in_encoding_order() {
    DistinguishedName dn = DistinguishedName.of(new X500Principal("CN=leaf,OU=team,OU=division,O=example"));

    assertThat(dn.values("ou")).containsExactly("division", "team");
    assertThat(dn.mostSpecific("OU")).contains("team");
    assertThat(dn.mostSpecific("CN")).contains("leaf");
    assertThat(dn.mostSpecific("L")).isEmpty();
  }

  @Test
  void multi_valued_rdn_yields_each_attribute() {
    DistinguishedName dn = DistinguishedName.of(new X500Principal("CN=alice+UID=1000,O=example"));

    assertThat(dn.values("CN")).containsExactly("alice");
    assertThat(dn.values("UID")).containsExactly("1000");
  }

  @Test
  void email_attribute_is_named_emailaddress() {
    DistinguishedName dn = DistinguishedName.of(
        new X500Principal("EMAILADDRESS=alice@example.org,CN=alice"));

    assertThat(dn.values("EMAILADDRESS")).containsExactly("alice@example.org");
  }

  @Test
  void display_string_escapes_control_characters() {
    DistinguishedName dn = DistinguishedName.of(new X500Principal("CN=evil\nINFO forged line,O=example"));

    assertThat(dn.toDisplayString()).doesNotContain("\n").contains("evil\\u000AINFO forged line");
    assertThat(dn.values("CN")).containsExactly("evil\nINFO forged line");
  }

  @Test
  void equal_when_attributes_are_equal() {
    DistinguishedName a = DistinguishedName.of(new X500Principal("CN=alice,O=example"));
    DistinguishedName b = DistinguishedName.of(new X500Principal("CN=alice, O=example"));
    DistinguishedName c = DistinguishedName.of(new X500Principal("CN=bob,O=example"));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
  }
}
