package dev.mtls.client.internal.tls;

import dev.mtls.pki.material.Identity;
import dev.mtls.pki.material.trust.Trust;
import javax.net.ssl.SSLContext;

/**
 * The client's material in service at one time. Every applied change starts a new generation with an SSLContext of
 * its own, so that no TLS session made under the old material is resumed under the new (a resumed session would
 * present the old certificate again, without a new handshake).
 *
 * @param number   1 for the material loaded at start, then one more for each applied change
 * @param context  the SSLContext every new connection of this generation handshakes with
 * @param identity our identity; null when we have none or the caller gave its own SSLContext
 * @param trust    whom we trust; null when the caller gave its own SSLContext
 */
public record Generation(long number, SSLContext context, Identity identity, Trust trust) {}
