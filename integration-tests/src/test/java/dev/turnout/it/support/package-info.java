/**
 * Support for end-to-end tests that run Turnout's jars as real processes: {@link dev.turnout.it.support.JavaProcess}
 * and {@link dev.turnout.it.support.TurnoutJar}.
 */
package dev.turnout.it.support;
