/**
 * Internal: the client's listeners, its log always first, told each event in turn. Uses the API's listener and
 * event types.
 */
package dev.mtls.client.internal.events;
