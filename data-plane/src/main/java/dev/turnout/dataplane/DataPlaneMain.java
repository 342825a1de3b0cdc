package dev.turnout.dataplane; public final class DataPlaneMain { public static void main(String[] a){} }
