package dev.mtls.server.internal.h2;

import static dev.mtls.server.internal.h2.FrameBudget.ACK;
import static dev.mtls.server.internal.h2.FrameBudget.CONTINUATION;
import static dev.mtls.server.internal.h2.FrameBudget.DATA;
import static dev.mtls.server.internal.h2.FrameBudget.END_HEADERS;
import static dev.mtls.server.internal.h2.FrameBudget.END_STREAM;
import static dev.mtls.server.internal.h2.FrameBudget.GOAWAY;
import static dev.mtls.server.internal.h2.FrameBudget.HEADERS;
import static dev.mtls.server.internal.h2.FrameBudget.PING;
import static dev.mtls.server.internal.h2.FrameBudget.RST_STREAM;
import static dev.mtls.server.internal.h2.FrameBudget.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtls.server.Http2Abuse.Reason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budget alone, frame by frame, on a clock the test sets. */
class FrameBudgetTest {
  private final AtomicLong nanos = new AtomicLong();
  private final FrameBudget budget = new FrameBudget(3, 16384, 200, 5, Duration.ofSeconds(10), nanos::get);

  @Test
  void refuses_a_stream_beyond_the_announced_limit_but_not_one_after_another_ended() {
    for (int stream = 1; stream <= 5; stream += 2) {
      assertThat(budget.fromClient(HEADERS, END_HEADERS | END_STREAM, stream, 0)).isNull();
    }
    budget.fromServer(DATA, END_STREAM, 1, 0);
    budget.fromClient(RST_STREAM, 0, 3, 0);
    assertThat(budget.fromClient(HEADERS, END_HEADERS, 7, 0)).isNull();
    assertThat(budget.fromClient(HEADERS, END_HEADERS, 9, 0)).isNull();

    FrameBudget.Refusal refusal = budget.fromClient(HEADERS, END_HEADERS, 11, 0);

    assertThat(refusal.reason()).isEqualTo(Reason.TOO_MANY_STREAMS);
    assertThat(refusal.errorCode()).isEqualTo(FrameBudget.PROTOCOL_ERROR);
    assertThat(refusal.sentence()).isEqualTo("opened stream 11 with 3 streams open, the most the server announced");
  }

  @Test
  void trailers_and_a_stream_the_server_reset_open_nothing() {
    for (int stream = 1; stream <= 5; stream += 2) {
      budget.fromClient(HEADERS, END_HEADERS, stream, 0);
    }
    budget.fromClient(HEADERS, END_HEADERS | END_STREAM, 5, 0);
    budget.fromServer(RST_STREAM, 0, 5, 0);

    assertThat(budget.fromClient(HEADERS, END_HEADERS, 7, 0)).isNull();
  }

  @Test
  void refuses_the_ninth_continuation_of_a_header_block() {
    budget.fromClient(HEADERS, 0, 1, 0);
    for (int i = 0; i < FrameBudget.MAX_CONTINUATIONS; i++) {
      assertThat(budget.fromClient(CONTINUATION, 0, 1, 0)).isNull();
    }

    FrameBudget.Refusal refusal = budget.fromClient(CONTINUATION, 0, 1, 0);

    assertThat(refusal.reason()).isEqualTo(Reason.CONTINUATION_FLOOD);
    assertThat(refusal.errorCode()).isEqualTo(FrameBudget.ENHANCE_YOUR_CALM);
  }

  @Test
  void counts_continuations_per_header_block() {
    for (int stream = 1; stream <= 21; stream += 2) {
      budget.fromClient(HEADERS, 0, stream, 0);
      for (int i = 0; i < FrameBudget.MAX_CONTINUATIONS - 1; i++) {
        budget.fromClient(CONTINUATION, 0, stream, 0);
      }
      assertThat(budget.fromClient(CONTINUATION, END_HEADERS, stream, 0)).isNull();
      budget.fromServer(HEADERS, END_HEADERS | END_STREAM, stream, 0);
    }
  }

  @Test
  void refuses_pings_beyond_the_window_count_and_takes_them_again_in_the_next_window() {
    for (int i = 0; i < 5; i++) {
      assertThat(budget.fromClient(PING, 0, 0, 0)).isNull();
      assertThat(budget.fromClient(PING, ACK, 0, 0)).as("acknowledgements cost nothing").isNull();
    }
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    for (int i = 0; i < 5; i++) {
      assertThat(budget.fromClient(PING, 0, 0, 0)).isNull();
    }

    FrameBudget.Refusal refusal = budget.fromClient(PING, 0, 0, 0);

    assertThat(refusal.reason()).isEqualTo(Reason.PING_FLOOD);
    assertThat(refusal.sentence()).isEqualTo("sent more than 5 PING frames within 10 s");
  }

  @Test
  void counts_settings_apart_from_pings() {
    for (int i = 0; i < 5; i++) {
      budget.fromClient(PING, 0, 0, 0);
      assertThat(budget.fromClient(SETTINGS, 0, 0, 0)).isNull();
    }

    assertThat(budget.fromClient(SETTINGS, 0, 0, 0).reason()).isEqualTo(Reason.SETTINGS_FLOOD);
  }

  @Test
  void names_undertows_goaway_by_its_error_code() {
    assertThat(new FrameBudget(3, 16384, 200, 5, Duration.ofSeconds(30), nanos::get)
        .fromServer(GOAWAY, 0, 0, FrameBudget.ENHANCE_YOUR_CALM))
        .isEqualTo(new FrameBudget.Refusal(Reason.RAPID_RESET, FrameBudget.ENHANCE_YOUR_CALM,
            "reset more than 200 streams within 30 s, or made the server reset them (Undertow's count)"));
    assertThat(new FrameBudget(3, 16384, 200, 5, Duration.ofSeconds(30), nanos::get)
        .fromServer(GOAWAY, 0, 0, FrameBudget.COMPRESSION_ERROR).reason()).isEqualTo(Reason.PROTOCOL_ERROR);
    assertThat(budget.fromServer(GOAWAY, 0, 0, 0)).as("NO_ERROR: an idle or draining connection").isNull();
  }

  @Test
  void refuses_a_frame_above_the_announced_size() {
    assertThat(budget.fromClient(DATA, 0, 1, 16384)).isNull();

    FrameBudget.Refusal refusal = budget.fromClient(DATA, 0, 1, 16385);

    assertThat(refusal.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
    assertThat(refusal.errorCode()).isEqualTo(FrameBudget.FRAME_SIZE_ERROR);
  }

  @Test
  void tells_one_end_per_connection() {
    for (int i = 0; i < 5; i++) {
      budget.fromClient(PING, 0, 0, 0);
    }
    assertThat(budget.fromClient(PING, 0, 0, 0)).isNotNull();

    assertThat(budget.fromClient(PING, 0, 0, 0)).isNull();
    assertThat(budget.fromServer(GOAWAY, 0, 0, FrameBudget.ENHANCE_YOUR_CALM)).as("the GOAWAY that answers ours")
        .isNull();
  }
}
