package dev.mtls.demo;

import dev.mtls.client.MtlsClient;
import dev.mtls.client.MtlsException;
import dev.mtls.client.MtlsResponse;
import dev.mtls.pki.DemoPki;
import dev.mtls.server.Rejection;
import dev.mtls.server.Roles;
import dev.mtls.server.ServedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Calls the server as each identity of {@link Call#DEMO} and says why each call ended as it did: from the response and
 * the server's event for it, or from the client's diagnosis and the server's refusal.
 */
final class Calls {
  /** How long the server may take to tell of a call the client already saw end. */
  private static final Duration SERVER_TELLS_WITHIN = Duration.ofSeconds(5);

  private final DemoPki pki;
  private final DemoServer server;
  private final ServerEvents events;

  Calls(DemoPki pki, DemoServer server, ServerEvents events) {
    this.pki = pki;
    this.server = server;
    this.events = events;
  }

  /** One row per call, in order; one client per identity, as a service would have. */
  List<Table.Row> run(List<Call> calls) {
    List<Table.Row> rows = new ArrayList<>();
    int first = 0;
    while (first < calls.size()) {
      Call call = calls.get(first);
      int end = first;
      while (end < calls.size() && Objects.equals(calls.get(end).who(), call.who())) {
        end++;
      }
      try (MtlsClient client = DemoClients.client(pki, call.who(), call.sendAnyway()).build()) {
        for (Call same : calls.subList(first, end)) {
          rows.add(call(client, same));
        }
      }
      first = end;
    }
    return rows;
  }

  private Table.Row call(MtlsClient client, Call call) {
    events.forget();
    try {
      MtlsResponse response = client.send(call.method(), server.url(call.path()), null, null);
      return new Table.Row(call.identity(), call.request(), Integer.toString(response.status()),
          List.of(answered(response.status())));
    } catch (MtlsException e) {
      Optional<Rejection> rejection = events.next(Rejection.class, SERVER_TELLS_WITHIN);
      return new Table.Row(call.identity(), call.request(), "refused", Why.refused(e.getDiagnosis(), rejection));
    }
  }

  /** Why the server answered {@code status}, from its event for the request. */
  private String answered(int status) {
    Optional<ServedRequest> served = events.next(ServedRequest.class, SERVER_TELLS_WITHIN);
    if (served.isEmpty() || served.get().caller() == null) {
      return "answered " + status;
    }
    ServedRequest request = served.get();
    if (status == 403 && request.route() != null) {
      Optional<Roles> needed = server.roles(request.route());
      if (needed.isPresent()) {
        return Why.forbidden(needed.get().required(), request.caller().roles());
      }
    }
    return status < 300 ? Why.allowed(request.caller().roles()) : "answered " + status;
  }
}
