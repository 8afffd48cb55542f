package dev.mtls.pki.material;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.testing.pki.Keys;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class KeyPairsTest {

  @Test
  void matching_ec_and_rsa_pairs_match() {
    KeyPair ec = Keys.ec();
    KeyPair rsa = Keys.rsa(2048);

    assertThat(KeyPairs.matches(ec.getPublic(), ec.getPrivate())).isTrue();
    assertThat(KeyPairs.matches(rsa.getPublic(), rsa.getPrivate())).isTrue();
  }

  @Test
  void matching_ed25519_pair_matches() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    assertThat(KeyPairs.matches(ed.getPublic(), ed.getPrivate())).isTrue();
  }

  @Test
  void keys_of_different_pairs_do_not_match() {
    assertThat(KeyPairs.matches(Keys.ec().getPublic(), Keys.ec().getPrivate()))
        .isFalse();
  }

  @Test
  void keys_of_different_algorithms_do_not_match() {
    assertThat(KeyPairs.matches(Keys.ec().getPublic(), Keys.rsa(2048).getPrivate()))
        .isFalse();
  }
}
