package dev.mtls.client.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.client.internal.tls.Handshake;
import java.io.InterruptedIOException;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.junit.jupiter.api.Test;

/** The async client retries what RetryPolicy does, and a request the server did not process, whatever its method. */
class AsyncRetryPolicyTest {
  private final AsyncRetryPolicy policy = new AsyncRetryPolicy();
  private final BasicHttpRequest post = new BasicHttpRequest("POST", "/orders");

  @Test
  void a_request_the_server_did_not_process_is_sent_again_once_whatever_its_method() {
    HttpClientContext shared = HttpClientContext.create();
    assertThat(policy.retryRequest(post, new RequestNotExecutedException(), 1, shared)).isTrue();
    assertThat(policy.retryRequest(post, new RequestNotExecutedException(), 2, shared)).isFalse();
  }

  @Test
  void what_retry_policy_retries_is_retried() {
    assertThat(policy.retryRequest(new BasicHttpRequest("GET", "/"), new NoHttpResponseException("stale"), 1,
        HttpClientContext.create())).isTrue();
    assertThat(policy.retryRequest(post, new NoHttpResponseException("stale"), 1, HttpClientContext.create()))
        .isFalse();
  }

  @Test
  void a_closed_connection_after_a_handshake_in_this_request_is_not_retried() {
    HttpClientContext fresh = HttpClientContext.create();
    new Handshake("localhost", 443, 1).attachTo(fresh);
    // TLS 1.3: a server that refuses our certificate closes the connection before the request left.
    assertThat(policy.retryRequest(post, new RequestNotExecutedException(), 1, fresh)).isFalse();
  }

  @Test
  void a_cancelled_exchange_is_never_sent_again() {
    // HttpClient 5.6 cancels, with this, even an exchange that has already completed.
    assertThat(policy.retryRequest(new BasicHttpRequest("GET", "/"), new InterruptedIOException(), 1,
        HttpClientContext.create())).isFalse();
    HttpClientContext cancelled = HttpClientContext.create();
    AsyncRetryPolicy.cancelling(cancelled);
    assertThat(policy.retryRequest(post, new RequestNotExecutedException(), 1, cancelled)).isFalse();
  }
}
