package dev.nbaprops;
final class Placeholder {}
