package dev.nbaprops.connect;
final class Placeholder {}
