package io.aurachat.examples;

public final class ServerMain {
    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + " args=" + String.join(",", args));
    }
}
