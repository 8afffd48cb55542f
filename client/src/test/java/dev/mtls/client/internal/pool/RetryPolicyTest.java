package dev.mtls.client.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.internal.tls.Handshake;
import dev.mtls.client.internal.tls.StaleSessionException;
import dev.mtls.pki.material.trust.CertificateRejectedException;
import dev.mtls.pki.material.trust.Purpose;
import dev.mtls.pki.material.trust.Reason;
import dev.mtls.pki.material.trust.Verdict;
import java.net.ConnectException;
import java.net.SocketException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Which failures are retried: an idempotent request on a pooled connection the server had closed, and any request
 * refused before it was sent because the session offered for resumption was stale.
 */
class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy();
  private final HttpClientContext pooled = HttpClientContext.create();

  @Test
  void idempotent_request_on_a_stale_pooled_connection_is_retried_once() {
    BasicHttpRequest get = new BasicHttpRequest("GET", "/");
    assertThat(policy.retryRequest(get, new NoHttpResponseException("stale"), 1, pooled)).isTrue();
    assertThat(policy.retryRequest(get, new SocketException("Connection reset"), 1, pooled)).isTrue();
    assertThat(policy.retryRequest(get, new NoHttpResponseException("stale"), 2, pooled)).isFalse();
  }

  @Test
  void a_request_refused_for_a_stale_resumed_session_is_retried_once_whatever_its_method() {
    HttpClientContext resumed = HttpClientContext.create();
    new Handshake("localhost", 443, 1).attachTo(resumed);
    StaleSessionException stale = new StaleSessionException(new CertificateRejectedException(
        Verdict.refusal(Reason.EXPIRED, Purpose.SERVER, "the server certificate \"CN=localhost\" expired")));

    assertThat(policy.retryRequest(new BasicHttpRequest("POST", "/"), stale, 1, resumed)).isTrue();
    assertThat(policy.retryRequest(new BasicHttpRequest("POST", "/"), stale, 2, resumed)).isFalse();
  }

  @Test
  void non_idempotent_request_is_never_retried() {
    BasicHttpRequest post = new BasicHttpRequest("POST", "/");
    assertThat(policy.retryRequest(post, new NoHttpResponseException("stale"), 1, pooled)).isFalse();
  }

  @Test
  void failure_after_a_handshake_in_this_request_is_not_retried() {
    HttpClientContext fresh = HttpClientContext.create();
    new Handshake("localhost", 443, 1).attachTo(fresh);
    // TLS 1.3: a rejected client certificate surfaces as a broken pipe at the first write.
    assertThat(policy.retryRequest(new BasicHttpRequest("GET", "/"), new SocketException("Broken pipe"), 1, fresh))
        .isFalse();
  }

  @Test
  void tls_errors_and_refused_connections_are_not_retried() {
    BasicHttpRequest get = new BasicHttpRequest("GET", "/");
    assertThat(policy.retryRequest(get, new SSLHandshakeException("Received fatal alert: unknown_ca"), 1, pooled))
        .isFalse();
    assertThat(policy.retryRequest(get, new ConnectException("Connection refused"), 1, pooled)).isFalse();
  }
}
