/**
 * Support for the integration tests: {@link dev.turnout.it.support.ProxiedRedis}, a JUnit extension that
 * runs a password-protected Redis and an in-JVM data plane in front of it for one test class, and, for
 * end-to-end tests that run Turnout's jars as real processes, {@link dev.turnout.it.support.JavaProcess}
 * and {@link dev.turnout.it.support.TurnoutJar}.
 */
package dev.turnout.it.support;
