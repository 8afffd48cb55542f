// Exports the API only: javac and modular users are held to it here, and on the class path (the usual case) the
// packages named dev.mtls.client.internal.* say the same to everyone.
// The API speaks HttpClient5's types (requests, contexts, the client itself), hence transitive; HttpClient5 ships
// as automatic modules, which javac warns about.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.mtls.client {
  requires transitive dev.mtls.pki.material;
  requires transitive org.apache.httpcomponents.client5.httpclient5;
  requires transitive org.apache.httpcomponents.core5.httpcore5;
  // HTTP/2 (ALPN policy, limits) for the async client; internal only.
  requires org.apache.httpcomponents.core5.httpcore5.h2;
  requires java.logging;
  requires org.slf4j;

  exports dev.mtls.client;
  exports dev.mtls.client.trace;
}
