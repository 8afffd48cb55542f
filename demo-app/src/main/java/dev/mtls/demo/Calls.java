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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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

  /** One row per call; the calls of one identity go together, through one client, as a service's would. */
  List<Table.Row> run(List<Call> calls) {
    Map<String, List<Call>> byIdentity = calls.stream()
        .collect(Collectors.groupingBy(Call::identity, LinkedHashMap::new, Collectors.toList()));
    List<Table.Row> rows = new ArrayList<>();
    for (List<Call> same : byIdentity.values()) {
      Call first = same.get(0);
      try (MtlsClient client = DemoClients.client(pki, first.who(), first.sendAnyway()).build()) {
        same.forEach(call -> rows.add(call(client, call)));
      }
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
