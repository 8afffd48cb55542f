package dev.mtls.client;

import dev.mtls.pki.material.reload.MaterialEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event a client reports, for tests that decide on typed events instead of log text. */
public final class RecordedClientEvents implements ClientListener {
  public final List<ClientHandshake> handshakes = new CopyOnWriteArrayList<>();
  public final List<CompletedRequest> completed = new CopyOnWriteArrayList<>();
  public final List<FailedRequest> failed = new CopyOnWriteArrayList<>();
  public final List<MaterialEvent> material = new CopyOnWriteArrayList<>();

  @Override
  public void connected(ClientHandshake handshake) {
    handshakes.add(handshake);
  }

  @Override
  public void completed(CompletedRequest request) {
    completed.add(request);
  }

  @Override
  public void failed(FailedRequest request) {
    failed.add(request);
  }

  @Override
  public void materialChanged(MaterialEvent event) {
    material.add(event);
  }
}
