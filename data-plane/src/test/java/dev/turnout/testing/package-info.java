/**
 * Test fixtures shared by every module's tests (shipped to integration-tests as data-plane's test-jar).
 *
 * <p>Start with {@link dev.turnout.testing.RedisServerProcess}: a real redis-server on a free port, with
 * a password, ACL users or extra arguments, that a test can stop, restart on the same port, or kill.
 * {@link dev.turnout.testing.Await} waits for a condition with a deadline (tests never sleep), and
 * {@link dev.turnout.testing.FreePorts} hands out loopback ports. {@link dev.turnout.testing.NettyLeakTracking}
 * turns Netty's leak reports into test failures; it is wired in by a JUnit launcher session listener
 * and an auto-registered extension, so tests need not mention it.
 */
package dev.turnout.testing;
