package dev.mtls.client.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/** HttpClient closes the endpoint of a request that failed: what that closes depends on whether it is shared. */
class LentEndpointTest {
  private static final HttpRoute ROUTE = new HttpRoute(new HttpHost("https", "localhost", 8443));

  @Test
  void a_request_that_fails_does_not_close_the_connection_it_shares() {
    RecordingEndpoint connection = new RecordingEndpoint();
    SharedConnection shared = new SharedConnection(ROUTE, connection, null, null, null);

    new LentEndpoint(shared).close(CloseMode.IMMEDIATE);

    assertThat(connection.closed).isEmpty();
  }

  @Test
  void a_request_that_fails_closes_its_own_connection() {
    RecordingEndpoint connection = new RecordingEndpoint();

    new LentEndpoint(ROUTE, connection, false).close(CloseMode.IMMEDIATE);

    assertThat(connection.closed).containsExactly(CloseMode.IMMEDIATE);
  }

  private static final class RecordingEndpoint extends AsyncConnectionEndpoint {
    final List<CloseMode> closed = new ArrayList<>();

    @Override
    public void execute(String id, AsyncClientExchangeHandler exchangeHandler,
        HandlerFactory<AsyncPushConsumer> pushHandlerFactory, HttpContext context) {}

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public void setSocketTimeout(Timeout timeout) {}

    @Override
    public void close(CloseMode closeMode) {
      closed.add(closeMode);
    }
  }
}
