/**
 * The server library: an Undertow HTTPS server that requires client certificates, judges them with the trust core,
 * maps them to roles and serves the routes a service registers.
 *
 * <p>Only {@code dev.mtls.server} is API. The parts behind it live in {@code dev.mtls.server.internal.*}, one
 * package per seam (tls, identity, rules, routing, http, observe, material): not exported here, for javac and
 * modular users, and named "internal" for everyone on the class path, where this file is not read.
 */
module dev.mtls.server {
  requires transitive dev.mtls.pki.material;
  requires transitive undertow.core;
  requires transitive micrometer.registry.prometheus;
  requires micrometer.core;
  requires xnio.api;
  requires org.slf4j;

  exports dev.mtls.server;
}
