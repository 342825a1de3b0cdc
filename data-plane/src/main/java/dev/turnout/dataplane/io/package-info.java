/**
 * Small I/O building blocks shared by the client and upstream sides: {@link dev.turnout.dataplane.io.InboundBuffer}
 * accumulates socket reads into whole frames without copying in the common case.
 */
package dev.turnout.dataplane.io;
