package dev.mtls.demo;

import dev.mtls.pki.material.KeyEncryption;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * What one run of the demo is told.
 *
 * @param project        the mtls-reference directory (examples read, jars shown)
 * @param out            where the demo PKI goes (replaced)
 * @param port           the server's HTTPS port; 0 picks a free one, as do the two below
 * @param managementPort the server's health and metrics port
 * @param publishPort    the publisher's port, which the certificates name
 * @param estPort        the port of the CA's EST listener, where the certificates renew themselves
 * @param keepRunning    keep serving after the table, until Enter (read from {@code stdin}) or Ctrl-C
 * @param stdin          where Enter comes from
 * @param log            where the server's and clients' log goes, to say so; null: not said
 * @param keyEncryption  what encrypting the CA keys and .p12 files costs
 * @param installed      whether a program (curl, openssl) can be run by name, to show its commands
 */
record DemoSettings(Project project, Path out, int port, int managementPort, int publishPort, int estPort,
    boolean keepRunning,
    InputStream stdin, Path log, KeyEncryption keyEncryption, Predicate<String> installed) {}
