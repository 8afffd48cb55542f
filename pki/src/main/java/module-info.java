// Only dev.mtls.pki is API. javac and modular users are held to that here; on the class path (shaded jars, Maven),
// the dev.mtls.pki.internal.* package names say the same to everyone else.
module dev.mtls.pki {
  requires transitive dev.mtls.pki.material;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.util;
  requires undertow.core;
  requires xnio.api;

  exports dev.mtls.pki;
}
