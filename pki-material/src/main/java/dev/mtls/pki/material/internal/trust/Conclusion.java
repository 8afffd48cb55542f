package dev.mtls.pki.material.internal.trust;

/** What the trust decision concludes about a validated path: a refusal, or an acceptance and how long it holds. */
public sealed interface Conclusion permits Refusal, Accepted {}
