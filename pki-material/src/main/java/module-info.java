// Exports the API only (checked by javac, seen by modular users); "internal" package names tell class-path users.
module dev.mtls.pki.material {
  requires transitive org.slf4j;
  requires java.management;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;

  exports dev.mtls.pki.material;
  exports dev.mtls.pki.material.trust;
  exports dev.mtls.pki.material.reload;
  exports dev.mtls.pki.material.revocation;
  exports dev.mtls.pki.material.settings;
  exports dev.mtls.pki.material.renewal;
}
